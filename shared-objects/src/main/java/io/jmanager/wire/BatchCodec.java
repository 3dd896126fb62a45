package io.jmanager.wire;

import io.jmanager.JManagerException;
import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.RegistryLimitException;
import io.jmanager.SessionExpiredException;
import io.jmanager.ValueTooLargeException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a batch call ({@link RemoteManager#batch}): a list of operations, each on one object named in it,
 * and a list of outcomes, one per operation, in the same order. Plain bytes rather than serialized classes, so that
 * the registry's deserialization filter admits nothing new and the decoders can be fuzzed like the value codec.
 *
 * <p>Request: a version byte ({@value #VERSION}), an {@code int} count, then per operation the object's name (an
 * unsigned {@code short} length and strict UTF-8), the {@link BatchOp#code() code} (a byte), its
 * {@link BatchOp#bytesArgs() byte-array arguments} (an {@code int} length, {@code -1} for null, and the bytes) and
 * its {@link BatchOp#longArgs() long arguments}. Outcomes: an {@code int} count, then per operation a status byte:
 * {@code 0} null, {@code 1} bytes (an {@code int} length and the bytes), {@code 2} a {@code long}, {@code 3} an error
 * (a kind byte, see {@link #errorKind}, and the message as an {@code int} length and UTF-8). Big-endian.
 * A malformed input fails with {@link IllegalArgumentException}, never allocating more than the input's length.
 */
public final class BatchCodec {
    public static final int VERSION = 1;
    private static final int NULL = 0;
    private static final int BYTES = 1;
    private static final int LONG = 2;
    private static final int ERROR = 3;

    private BatchCodec() {
    }

    /** One operation of a batch. Arguments it does not take are null or 0. */
    public record Call(String object, BatchOp op, byte[] a, byte[] b, long x, long y, long z) {
        public Call {
            if (object == null || op == null) {
                throw new IllegalArgumentException("a batch operation needs an object name and an operation");
            }
        }
    }

    /** The outcome of one operation: exactly one of a value (bytes, possibly null, or a long) and an error. */
    public record Outcome(byte[] bytes, long number, RuntimeException error) {
        public static Outcome ofBytes(byte[] bytes) {
            return new Outcome(bytes, 0, null);
        }

        public static Outcome ofLong(long number) {
            return new Outcome(null, number, null);
        }

        public static Outcome ofError(RuntimeException error) {
            return new Outcome(null, 0, error);
        }
    }

    public static byte[] encodeCalls(List<Call> calls) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * calls.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(calls.size());
            for (Call c : calls) {
                byte[] name = c.object().getBytes(StandardCharsets.UTF_8);
                if (name.length > 0xffff) {
                    throw new IllegalArgumentException("object name of " + name.length + " bytes in a batch");
                }
                out.writeShort(name.length);
                out.write(name);
                out.writeByte(c.op().code());
                if (c.op().bytesArgs() > 0) {
                    writeBytes(out, c.a());
                }
                if (c.op().bytesArgs() > 1) {
                    writeBytes(out, c.b());
                }
                long[] longs = {c.x(), c.y(), c.z()};
                for (int i = 0; i < c.op().longArgs(); i++) {
                    out.writeLong(longs[i]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a request.
     *
     * @param maxCalls the most operations accepted ({@code --max-batch-size})
     * @throws IllegalArgumentException if it is malformed, of another version, or has more than {@code maxCalls}
     */
    public static List<Call> decodeCalls(byte[] request, int maxCalls) {
        try {
            ByteBuffer in = ByteBuffer.wrap(request);
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new IllegalArgumentException("batch of version " + version + "; this registry reads version "
                        + VERSION + " (a newer worker? use a worker of the registry's version)");
            }
            int n = in.getInt();
            if (n < 0 || n > maxCalls) {
                throw new RegistryLimitException("a batch of " + n + " operations: the registry takes at most "
                        + maxCalls + " per call (--max-batch-size)");
            }
            if (n > in.remaining() / 3) {
                throw new IllegalArgumentException("malformed batch: " + n + " operations in " + in.remaining()
                        + " bytes");
            }
            List<Call> calls = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = strictUtf8(in, in.getShort() & 0xffff);
                int code = in.get() & 0xff;
                BatchOp op = BatchOp.of(code);
                if (op == null) {
                    throw new IllegalArgumentException("malformed batch: operation code " + code + " (a newer worker?"
                            + " use a worker of the registry's version)");
                }
                byte[] a = op.bytesArgs() > 0 ? readBytes(in) : null;
                byte[] b = op.bytesArgs() > 1 ? readBytes(in) : null;
                long[] longs = new long[3];
                for (int j = 0; j < op.longArgs(); j++) {
                    longs[j] = in.getLong();
                }
                calls.add(new Call(name, op, a, b, longs[0], longs[1], longs[2]));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("malformed batch: " + in.remaining() + " trailing bytes");
            }
            return calls;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed batch: truncated", e);
        }
    }

    public static byte[] encodeOutcomes(List<Outcome> outcomes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 16 * outcomes.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(outcomes.size());
            for (Outcome o : outcomes) {
                if (o.error() != null) {
                    int kind = errorKind(o.error());
                    String message = String.valueOf(o.error().getMessage());
                    if (kind == 0 && o.error().getClass() != JManagerException.class) {
                        message = o.error().getClass().getName() + ": " + message; // a class the kinds lack
                    }
                    out.writeByte(ERROR);
                    out.writeByte(kind);
                    byte[] m = message.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(m.length);
                    out.write(m);
                } else if (o.bytes() != null) {
                    out.writeByte(BYTES);
                    out.writeInt(o.bytes().length);
                    out.write(o.bytes());
                } else if (o.number() != 0) {
                    out.writeByte(LONG);
                    out.writeLong(o.number());
                } else {
                    out.writeByte(NULL);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the outcomes of a batch of {@code expected} operations. A {@code NULL} status reads as null bytes and
     * the number 0; errors come back as the exception the registry threw (its kind, see {@link #errorKind}).
     *
     * @throws IllegalArgumentException if it is malformed or has another count
     */
    public static List<Outcome> decodeOutcomes(byte[] answer, int expected) {
        try {
            ByteBuffer in = ByteBuffer.wrap(answer);
            int n = in.getInt();
            if (n != expected) {
                throw new IllegalArgumentException("malformed batch answer: " + n + " outcomes for " + expected
                        + " operations");
            }
            List<Outcome> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int status = in.get() & 0xff;
                switch (status) {
                    case NULL -> out.add(Outcome.ofBytes(null));
                    case BYTES -> out.add(Outcome.ofBytes(readBytes(in)));
                    case LONG -> out.add(Outcome.ofLong(in.getLong()));
                    case ERROR -> {
                        int kind = in.get() & 0xff;
                        byte[] m = readBytes(in);
                        out.add(Outcome.ofError(error(kind, m == null ? "" : new String(m,
                                StandardCharsets.UTF_8))));
                    }
                    default -> throw new IllegalArgumentException("malformed batch answer: status " + status);
                }
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("malformed batch answer: " + in.remaining() + " trailing bytes");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed batch answer: truncated", e);
        }
    }

    /** The kinds of errors an outcome carries, as the exceptions the registry's objects throw. */
    private static final List<Class<? extends RuntimeException>> KINDS = List.of(
            JManagerException.class, IllegalArgumentException.class, IllegalStateException.class,
            NoSuchSharedObjectException.class, ObjectTypeMismatchException.class, ValueTooLargeException.class,
            RegistryLimitException.class, IndexOutOfBoundsException.class, ArithmeticException.class,
            UnsupportedOperationException.class, ClassCastException.class, SessionExpiredException.class,
            NullPointerException.class);

    /** The kind byte of {@code e}: its class's index in the list of kinds, or 0 (a {@link JManagerException}). */
    static int errorKind(RuntimeException e) {
        int kind = KINDS.indexOf(e.getClass());
        return Math.max(kind, 0);
    }

    private static RuntimeException error(int kind, String message) {
        return switch (kind) {
            case 1 -> new IllegalArgumentException(message);
            case 2 -> new IllegalStateException(message);
            case 3 -> new NoSuchSharedObjectException(message);
            case 4 -> new ObjectTypeMismatchException(message);
            case 5 -> new ValueTooLargeException(message);
            case 6 -> new RegistryLimitException(message);
            case 7 -> new IndexOutOfBoundsException(message);
            case 8 -> new ArithmeticException(message);
            case 9 -> new UnsupportedOperationException(message);
            case 10 -> new ClassCastException(message);
            case 11 -> new SessionExpiredException(message);
            case 12 -> new NullPointerException(message);
            default -> new JManagerException(message);
        };
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(ByteBuffer in) {
        int n = in.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("malformed batch: " + n + " bytes with " + in.remaining() + " left");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static String strictUtf8(ByteBuffer in, int n) {
        if (n > in.remaining()) {
            throw new IllegalArgumentException("malformed batch: a name of " + n + " bytes with " + in.remaining()
                    + " left");
        }
        ByteBuffer slice = in.slice().limit(n);
        in.position(in.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed batch: an object name that is not UTF-8", e);
        }
    }
}
