package io.jmanager.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Host name lookups bounded by a deadline. {@link InetAddress#getByName} blocks for as long as the system's
 * resolver takes (several seconds per unanswered DNS server, retried) and cannot be interrupted; here it runs on a
 * daemon thread and the caller waits only until its deadline. At most one lookup per host runs at a time: callers
 * that arrive while it runs wait for the same answer, so a dead DNS server holds one thread per host, not one per
 * connection attempt.
 */
final class Resolver {
    private static final Map<String, CompletableFuture<InetAddress>> PENDING = new ConcurrentHashMap<>();

    /** The blocking lookup; tests replace it with one that hangs like a dead DNS server. */
    interface Lookup {
        InetAddress byName(String host) throws IOException;
    }

    static volatile Lookup lookup = InetAddress::getByName;

    private Resolver() {
    }

    static InetAddress resolve(String host, long deadlineNanos) throws IOException {
        if (isLiteral(host)) {
            return InetAddress.getByName(host); // parsed, no lookup
        }
        CompletableFuture<InetAddress> pending = PENDING.computeIfAbsent(host, h -> {
            CompletableFuture<InetAddress> f = new CompletableFuture<>();
            Lookup l = Resolver.lookup;
            Thread t = new Thread(() -> {
                try {
                    f.complete(l.byName(h));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                } finally {
                    PENDING.remove(h, f);
                }
            }, "jmanager-resolve-" + h);
            t.setDaemon(true);
            t.start();
            return f;
        });
        long left = deadlineNanos - System.nanoTime();
        try {
            return pending.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            SocketTimeoutException t = new SocketTimeoutException("resolving the host name '" + host + "' took"
                    + " longer than the connect timeout: its DNS server does not answer (use an IP address, or fix"
                    + " the resolver)");
            t.initCause(e);
            throw t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            java.io.InterruptedIOException i = new java.io.InterruptedIOException("interrupted while resolving '"
                    + host + "'");
            i.initCause(e);
            throw i;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException u) {
                UnknownHostException copy = new UnknownHostException(u.getMessage());
                copy.initCause(u);
                throw copy;
            }
            throw new IOException("resolving '" + host + "' failed: " + cause, cause);
        }
    }

    private static volatile CompletableFuture<String> localName;

    /**
     * This host's name (for the registry's session list), or {@code "unknown"} if the resolver does not give it
     * before the deadline: {@link InetAddress#getLocalHost()} asks the resolver too, and may hang with it.
     */
    static String localHostName(long deadlineNanos) {
        CompletableFuture<String> name;
        synchronized (Resolver.class) {
            name = localName;
            if (name == null || name.isCompletedExceptionally()) {
                CompletableFuture<String> f = new CompletableFuture<>();
                Thread t = new Thread(() -> {
                    try {
                        f.complete(InetAddress.getLocalHost().getHostName());
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                }, "jmanager-resolve-localhost");
                t.setDaemon(true);
                t.start();
                localName = name = f;
            }
        }
        try {
            return name.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        } catch (ExecutionException | TimeoutException e) {
            return "unknown";
        }
    }

    /** An IPv4 or IPv6 literal: {@code getByName} parses it without asking a resolver. */
    static boolean isLiteral(String host) {
        if (host.startsWith("[") || host.indexOf(':') >= 0) {
            return true;
        }
        if (host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
