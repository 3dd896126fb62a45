package io.jmanager;

import io.jmanager.wire.ClientTransport;
import io.jmanager.wire.Liveness;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;

/**
 * This worker's side of the {@link Liveness} connection (authenticated like every connection, by the socket
 * factory): opened once per session, held by a daemon thread that
 * only waits for the connection to end. When this process dies the kernel closes it and the registry ends the
 * session at once; when the registry side ends it (registry stopped, session ended), {@code onLost} runs.
 */
final class LivenessChannel implements AutoCloseable {
    private final Socket socket;
    private volatile boolean closing;

    private LivenessChannel(Socket socket) {
        this.socket = socket;
    }

    /**
     * Opens the channel for {@code session}.
     *
     * @throws IOException if the registry cannot be reached or refuses the session
     */
    static LivenessChannel open(RMIClientSocketFactory factory, String host, int port, long session, Runnable onLost)
            throws IOException {
        Socket socket = factory.createSocket(host, port);
        try {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write(Liveness.MAGIC);
            out.writeLong(session);
            out.flush();
            int answer = socket.getInputStream().read();
            if (answer != Liveness.ACCEPTED) {
                throw new IOException("the registry refused the liveness connection of session " + session
                        + (answer < 0 ? " (connection closed)" : ""));
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        socket.setSoTimeout(ClientTransport.HELD_OPEN); // nothing is ever sent: wait for the end, however long
        LivenessChannel channel = new LivenessChannel(socket);
        Thread watcher = new Thread(() -> channel.watch(onLost), "jmanager-liveness-" + session);
        watcher.setDaemon(true);
        watcher.start();
        return channel;
    }

    private void watch(Runnable onLost) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // nothing is ever sent: any bytes are ignored until the connection ends
            }
        } catch (IOException e) {
            // broken: the same as closed
        }
        if (!closing) {
            onLost.run();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
