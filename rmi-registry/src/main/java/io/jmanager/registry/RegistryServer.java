package io.jmanager.registry;

import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.ServerSocketFactory;
import io.jmanager.wire.WireFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.rmi.AlreadyBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running registry: an RMI registry on one port, the root {@link RemoteManager} bound in it as
 * {@value RemoteManager#BINDING}, and every shared object exported on the same port. Start with
 * {@link #start(RegistryConfig)}; {@link #close()} unexports everything. Usable in-process (tests embed it).
 */
public final class RegistryServer implements AutoCloseable {
    private final Registry rmiRegistry;
    private final ManagerService service;
    private final ScheduledExecutorService reaper;
    private final int port;
    private final String advertiseHost;
    private final long epoch;
    private volatile boolean closed;

    private RegistryServer(Registry rmiRegistry, ManagerService service, ScheduledExecutorService reaper, int port,
                           String advertiseHost, long epoch) {
        this.rmiRegistry = rmiRegistry;
        this.service = service;
        this.reaper = reaper;
        this.port = port;
        this.advertiseHost = advertiseHost;
        this.epoch = epoch;
    }

    /**
     * Starts a registry.
     *
     * @throws java.rmi.server.ExportException if the port is in use
     * @throws UnknownHostException            if the bind address does not resolve
     */
    public static RegistryServer start(RegistryConfig config) throws IOException {
        InetAddress bind = bindAddress(config.bindAddress());
        String advertise = config.advertiseHost() != null ? config.advertiseHost() : defaultAdvertiseHost(bind);
        System.setProperty("java.rmi.server.hostname", advertise);
        int port = config.port() == 0 ? freePort(bind) : config.port();

        ClientSocketFactory csf = new ClientSocketFactory();
        ManagerService[] serviceRef = new ManagerService[1];
        SessionTable sessions = new SessionTable((session, how) -> serviceRef[0].sessionEnded(session, how));
        ServerSocketFactory ssf = new ServerSocketFactory(bind, sessions);
        Registry rmiRegistry = LocateRegistry.createRegistry(port, csf, ssf);
        WireFilter filter = wireFilter(config.maxValueBytes());
        ManagerService.Exporter exporter = new ManagerService.Exporter() {
            @Override
            public Remote export(Remote object) throws RemoteException {
                return UnicastRemoteObject.exportObject(object, port, csf, ssf, filter);
            }

            @Override
            public void unexport(Remote object) {
                ManagerService.unexportQuietly(object);
            }
        };
        long epoch = newEpoch();
        RegistryContext context = new RegistryContext(config.maxValueBytes(), maxBatchBytes(config.maxValueBytes()),
                TimeUnit.MILLISECONDS.toNanos(config.waitSliceMillis()), sessions, name -> serviceRef[0].lock(name));
        ManagerService service = new ManagerService(context, exporter, rmiRegistry, epoch, config.leaseMillis());
        serviceRef[0] = service;
        try {
            rmiRegistry.bind(RemoteManager.BINDING, exporter.export(service));
        } catch (AlreadyBoundException e) {
            throw new IllegalStateException("impossible: a new registry already has a binding", e);
        }
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jmanager-lease-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(20, Math.min(500, config.leaseMillis() / 20));
        reaper.scheduleWithFixedDelay(sessions::expireOverdue, period, period, TimeUnit.MILLISECONDS);
        return new RegistryServer(rmiRegistry, service, reaper, port, advertise, epoch);
    }

    /** The largest total of one batch call. */
    static long maxBatchBytes(int maxValueBytes) {
        return 4L * maxValueBytes + (64 << 20);
    }

    /**
     * The deserialization filter of every exported object. It must let through every call the registry's own
     * limits accept, so that those limits answer with {@link io.jmanager.ValueTooLargeException}: the stream may
     * hold a whole batch (for putAll, keys and values together) plus the stream's own bytes for each array and
     * the call's other arguments, for which 64 MiB leave room for millions of items.
     */
    static WireFilter wireFilter(int maxValueBytes) {
        return new WireFilter(maxBatchBytes(maxValueBytes) + (64 << 20), Math.max(maxValueBytes + 64L, 1 << 20));
    }

    private static InetAddress bindAddress(String address) throws UnknownHostException {
        if (address == null || address.isEmpty() || address.equals("0.0.0.0") || address.equals("*")) {
            return null;
        }
        return InetAddress.getByName(address);
    }

    private static String defaultAdvertiseHost(InetAddress bind) {
        if (bind != null && !bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            InetAddress.getByName(host);
            return host;
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static int freePort(InetAddress bind) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, bind)) {
            return s.getLocalPort();
        }
    }

    private static long newEpoch() {
        long e;
        do {
            e = new SecureRandom().nextLong() & Long.MAX_VALUE;
        } while (e == 0);
        return e;
    }

    /** The port the registry and all objects listen on. */
    public int port() {
        return port;
    }

    /** The host name put into stubs. */
    public String advertiseHost() {
        return advertiseHost;
    }

    /** The URL workers use, e.g. {@code rmi://host:1099}. */
    public String url() {
        return "rmi://" + advertiseHost + ":" + port;
    }

    /** A random number chosen at start-up; differs after every restart. */
    public long epoch() {
        return epoch;
    }

    /** Stops serving: unbinds and unexports everything. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reaper.shutdownNow();
        try {
            rmiRegistry.unbind(RemoteManager.BINDING);
        } catch (Exception e) {
            // already gone
        }
        ManagerService.unexportQuietly(service);
        service.unexportAll();
        ManagerService.unexportQuietly(rmiRegistry);
    }
}
