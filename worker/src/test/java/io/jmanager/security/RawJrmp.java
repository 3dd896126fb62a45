package io.jmanager.security;

import io.jmanager.AuthKey;
import io.jmanager.wire.Handshake;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInput;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.rmi.Remote;
import java.rmi.server.ObjID;
import java.rmi.server.RemoteObject;
import java.rmi.server.UID;
import java.security.MessageDigest;

/**
 * A hand-made JRMP client, as an attacker's tool (ysoserial's JRMPClient) would speak it: the protocol header, then
 * calls whose argument bytes it chooses freely. With a key it first runs the authentication handshake; without,
 * it speaks JRMP at once, as a plain RMI client or an exploit would.
 */
final class RawJrmp implements AutoCloseable {
    static final ObjID DGC = new ObjID(ObjID.DGC_ID);
    static final ObjID REGISTRY = new ObjID(ObjID.REGISTRY_ID);
    /** java.rmi.dgc.DGC's interface hash; op 0 is clean, 1 is dirty. */
    static final long DGC_HASH = -669196253586618813L;
    /** java.rmi.registry.Registry's interface hash; op 0 bind, 2 lookup, 3 rebind, 4 unbind. */
    static final long REGISTRY_HASH = 4905912898345647071L;

    final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private RawJrmp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects to the loopback port; authenticates first if {@code key} is not null. */
    static RawJrmp connect(int port, AuthKey key) throws IOException {
        return connect(port, key, null);
    }

    /**
     * Like {@link #connect(int, AuthKey)}, from the local address {@code from} (e.g. {@code 127.0.0.2}, to be
     * another peer than this JVM's workers on {@code 127.0.0.1}); null for any.
     */
    static RawJrmp connect(int port, AuthKey key, InetAddress from) throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(10_000);
        if (key != null) {
            Handshake.client(s.getInputStream(), s.getOutputStream(), s::setSoTimeout, System.nanoTime() + 10_000_000_000L,
                    (fingerprint, peer) -> key, new byte[0], "raw-jrmp");
            s.setSoTimeout(10_000);
        }
        return new RawJrmp(s);
    }

    /** The JRMP header: magic, version 2, stream protocol; then reads the registry's acknowledgement. */
    void header() throws IOException {
        writeHeader();
        int ack = in.read();
        if (ack != 0x4e) {
            throw new IOException("no ProtocolAck, got " + ack);
        }
        in.readUTF();
        in.readInt();
        out.writeUTF("127.0.0.1");
        out.writeInt(0);
        out.flush();
    }

    /** The JRMP header without waiting for an answer (what a client unaware of the handshake sends). */
    void writeHeader() throws IOException {
        out.writeInt(0x4a524d49);
        out.writeShort(2);
        out.writeByte(0x4b);
        out.flush();
    }

    /** Writes the call arguments. */
    @FunctionalInterface
    interface Args {
        void write(ObjectOutputStream out) throws IOException;
    }

    /** The bytes of a call message's body: object id, operation, hash, arguments, as RMI marshals them. */
    static byte[] callBody(ObjID id, int op, long hash, Args args) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new RmiOutput(buffer)) {
            id.write(oos);
            oos.writeInt(op);
            oos.writeLong(hash);
            args.write(oos);
        }
        return buffer.toByteArray();
    }

    /** Sends a call message with this body (no answer is awaited). */
    void send(byte[] body) throws IOException {
        out.writeByte(0x50);
        out.write(body);
        out.flush();
    }

    /** Sends a call and reads the registry's answer: the returned value, or a {@link Thrown} exception. */
    Object call(byte[] body) throws IOException, ClassNotFoundException {
        send(body);
        return answer();
    }

    /** Reads the registry's answer to a call sent before: the returned value, or a {@link Thrown} exception. */
    Object answer() throws IOException, ClassNotFoundException {
        int message = in.read();
        if (message != 0x51) {
            throw new IOException("no Return message, got " + message);
        }
        ObjectInputStream ois = new RmiInput(in);
        byte type = ois.readByte();
        UID.read(ois);
        Object value = ois.readObject();
        return type == 1 ? value : new Thrown((Throwable) value);
    }

    /** Everything the peer sends until it closes (or resets) the connection, or the timeout. */
    byte[] readToEnd() {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] b = new byte[256];
        try {
            for (int n; (n = in.read(b)) >= 0; ) {
                got.write(b, 0, n);
            }
        } catch (IOException e) {
            if (e instanceof java.net.SocketTimeoutException) {
                throw new AssertionError("the registry kept the connection open", e);
            }
            // reset: closed with our unread bytes in its buffer
        }
        return got.toByteArray();
    }

    /** An exceptional return. */
    record Thrown(Throwable exception) {
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** RMI's stream format: every class descriptor carries a codebase annotation (here none). */
    static final class RmiOutput extends ObjectOutputStream {
        RmiOutput(OutputStream out) throws IOException {
            super(out);
        }

        @Override
        protected void annotateClass(Class<?> cl) throws IOException {
            writeObject(null);
        }

        @Override
        protected void annotateProxyClass(Class<?> cl) throws IOException {
            writeObject(null);
        }
    }

    /** Reads RMI's stream format: skips each class descriptor's codebase annotation. */
    static final class RmiInput extends ObjectInputStream {
        RmiInput(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            readObject();
            return super.resolveClass(desc);
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            readObject();
            return super.resolveProxyClass(interfaces);
        }
    }

    /** The object id of an exported object, read from its stub's reference. */
    static ObjID objectId(Remote stub) throws IOException, ClassNotFoundException {
        RemoteObject handler = (RemoteObject) Proxy.getInvocationHandler(stub);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(buffer)) {
            handler.getRef().writeExternal(oos);
        }
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
            int format = ois.readByte();
            ois.readUTF();
            ois.readInt();
            if (format == 1) {
                ois.readObject(); // the client socket factory
            }
            return ObjID.read((ObjectInput) ois);
        }
    }

    /** The hash RMI identifies a method by: SHA-1 of its name and descriptor, first 8 bytes little-endian. */
    static long methodHash(Method m) throws Exception {
        String descriptor = m.getName() + MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                .toMethodDescriptorString();
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        new DataOutputStream(utf).writeUTF(descriptor);
        byte[] sha = MessageDigest.getInstance("SHA-1").digest(utf.toByteArray());
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash += ((long) (sha[i] & 0xff)) << (i * 8);
        }
        return hash;
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
