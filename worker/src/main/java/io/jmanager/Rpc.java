package io.jmanager;

import io.jmanager.wire.HandshakeException;
import java.net.SocketTimeoutException;
import java.rmi.ConnectException;
import java.rmi.ConnectIOException;
import java.rmi.MarshalException;
import java.rmi.NoSuchObjectException;
import java.rmi.RemoteException;
import java.rmi.ServerError;
import java.rmi.ServerException;
import java.rmi.UnknownHostException;
import java.rmi.UnmarshalException;

/**
 * Turns transport failures into jmanager's unchecked exceptions, so that proxies never leak
 * {@link RemoteException}. Exceptions thrown by the registry's objects ({@link IllegalMonitorStateException},
 * {@link IllegalArgumentException}, ...) arrive as themselves and are never passed here.
 */
final class Rpc {
    private Rpc() {
    }

    /** The unchecked exception for a failed call. */
    static RuntimeException translate(String url, String target, Exception e) {
        HandshakeException handshake = authenticationFailure(e);
        if (handshake != null) {
            return new AuthenticationException(handshake.getMessage(), e);
        }
        java.io.InvalidClassException rejected = filterRejection(e);
        if (rejected != null) {
            return new JManagerException("this JVM's deserialization filter (-Djdk.serialFilter) rejected the answer"
                    + " of the registry at " + url + " to a call to " + target + " (" + rejected.getMessage() + "):"
                    + " jmanager's answers carry stubs (proxies of io.jmanager.wire interfaces), io.jmanager.wire"
                    + " classes and exceptions. Start this JVM with"
                    + " -Djdk.serialFilterFactory=io.jmanager.wire.WorkerSerialFilterFactory, which admits them on"
                    + " jmanager's own calls only (Manager.connect installs it by itself only before the JVM's first"
                    + " deserialization), or admit them in the filter (see SECURITY.md)", e);
        }
        if (e instanceof NoSuchObjectException) {
            return new NoSuchSharedObjectException(target + " no longer exists on the registry at " + url
                    + " (destroyed, or the registry restarted); get it again from the manager");
        }
        String unresolved = unresolvedHost(e);
        if (unresolved != null) {
            return unresolvedHost(url, unresolved, e);
        }
        if (e instanceof ConnectException || e instanceof ConnectIOException || e instanceof UnknownHostException
                || e instanceof HandshakeException) {
            return new RegistryUnavailableException(url, "cannot connect (" + connectFailure(e) + ")", e);
        }
        if (e instanceof UnmarshalException && hasCause(e, SocketTimeoutException.class)) {
            return new RegistryUnavailableException(url, "it did not answer in time: no answer within the read"
                    + " timeout while calling " + target + "; it is stopped, hung or overloaded, or the network to it"
                    + " is cut", e);
        }
        RegistryLimitException limit = limitRefusal(e);
        if (limit != null) {
            // a call over --max-call-bytes or --memory-budget, refused while its arguments were read
            return new RegistryLimitException(limit.getMessage());
        }
        if (e instanceof ServerException && e.getCause() instanceof UnmarshalException) {
            return new IllegalArgumentException("the registry refused the arguments of a call to " + target + ": "
                    + rootMessage(e) + " (refused by its deserialization filter or limits)", e);
        }
        if (e instanceof ServerError) {
            return new JManagerException("the registry failed while serving " + target + ": " + rootMessage(e), e);
        }
        if (e instanceof MarshalException) {
            return new IllegalArgumentException("cannot send the call to " + target + ": " + rootMessage(e), e);
        }
        if (e instanceof RemoteException) {
            return new RegistryUnavailableException(url, "call to " + target + " failed (" + rootMessage(e) + ")",
                    e);
        }
        return new JManagerException("unexpected failure calling " + target + ": " + e, e);
    }

    /**
     * A host name that did not resolve: the URL's own, or (the container deployment's stumble) the name the
     * registry advertises in its stubs, which the URL's host reached but which this host cannot resolve.
     */
    private static RegistryUnavailableException unresolvedHost(String url, String host, Exception e) {
        String urlHost;
        try {
            urlHost = RegistryUrl.parse(url).host();
        } catch (RuntimeException unparsable) {
            urlHost = null;
        }
        if (host.equalsIgnoreCase(urlHost)) {
            return new RegistryUnavailableException(url, "its host name '" + host + "' does not resolve on this"
                    + " host", "check the URL's host name", e);
        }
        return new RegistryUnavailableException(url, "the registry answered, but it advertises its address as '"
                + host + "', a name that does not resolve on this host", "every call goes to the name the registry"
                + " advertises, its --advertise option or else its host name: start it with --advertise set to a"
                + " name that this host and every worker resolve to it, or make '" + host + "' resolve here, e.g. in"
                + " /etc/hosts", e);
    }

    /** The transport's message when a host name's lookup outlives the connect timeout (ClientTransport). */
    private static final java.util.regex.Pattern LOOKUP_TIMED_OUT =
            java.util.regex.Pattern.compile("^resolving the host name '([^']+)' took longer than the connect timeout");

    /**
     * The host name that did not resolve, if {@code e} failed because one did not (unknown, or its lookup did not
     * answer within the connect timeout); else null.
     */
    static String unresolvedHost(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException u) {
                String message = u.getMessage() == null ? "?" : u.getMessage();
                int colon = message.indexOf(':'); // "registry: Name or service not known"
                return (colon < 0 ? message : message.substring(0, colon)).trim();
            }
            if (t instanceof SocketTimeoutException && t.getMessage() != null) {
                java.util.regex.Matcher lookup = LOOKUP_TIMED_OUT.matcher(t.getMessage());
                if (lookup.find()) {
                    return lookup.group(1);
                }
            }
        }
        return null;
    }

    /** The registry's limit refusal among {@code e}'s causes (a call refused while it was read), or null. */
    private static RegistryLimitException limitRefusal(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof RegistryLimitException r) {
                return r;
            }
        }
        return null;
    }

    /** Why a connection failed: the handshake's own message if it failed there, else the root cause. */
    private static String connectFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof HandshakeException || t instanceof SocketTimeoutException) {
                return t.getMessage();
            }
        }
        return rootMessage(e);
    }

    /** The authentication failure in {@code e}'s causes (its key, its proof), or null. */
    static HandshakeException authenticationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HandshakeException h && h.isAuthentication()) {
                return h;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * The filter rejection of this worker's own unmarshalling of an answer (RMI's {@link UnmarshalException} or
     * the lookup's), or null; a rejection by the registry's filter arrives as a {@link ServerException} instead.
     */
    static java.io.InvalidClassException filterRejection(Throwable e) {
        if (e instanceof ServerException || !(e instanceof UnmarshalException)) {
            return null;
        }
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof java.io.InvalidClassException ice && String.valueOf(ice.getMessage())
                    .contains("filter status: REJECTED")) {
                return ice;
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
