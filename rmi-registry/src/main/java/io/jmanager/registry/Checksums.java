package io.jmanager.registry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The CRC32C of every value a data directory stores, appended to it as 4 bytes (big-endian). Each checksum covers
 * where the value belongs as well as its bytes: a kind ({@code R} an object's record, {@code C} a catalog entry,
 * {@code L} a log entry, {@code M} a meta value, {@code S} an object's summary), the object id or name, and the
 * key. So a flipped byte anywhere in the value or in its key, a value of one object found under another object or
 * key, and a value cut short are all mismatches. CRC32C (Castagnoli; {@link CRC32C}, hardware-accelerated on x86
 * and ARM) detects every error of up to 3 bits, every burst of up to 32 bits, and any other damage with
 * probability 1 - 2^-32.
 */
final class Checksums {
    static final int BYTES = 4;
    private static final byte RECORD = 'R';
    private static final byte CATALOG = 'C';
    private static final byte LOG = 'L';
    private static final byte META = 'M';
    private static final byte SUMMARY = 'S';

    private Checksums() {
    }

    private static CRC32C start(byte kind, long a, long b) {
        CRC32C crc = new CRC32C();
        crc.update(kind);
        byte[] buf = new byte[16];
        for (int i = 0; i < 8; i++) {
            buf[i] = (byte) (a >>> (56 - 8 * i));
            buf[8 + i] = (byte) (b >>> (56 - 8 * i));
        }
        crc.update(buf, 0, 16);
        return crc;
    }

    private static int recordCrc(long objectId, long key, byte[] value, int length) {
        CRC32C crc = start(RECORD, objectId, key);
        crc.update(value, 0, length);
        return (int) crc.getValue();
    }

    private static int logCrc(long logKey, byte[] entry, int length) {
        CRC32C crc = start(LOG, logKey, 0);
        crc.update(entry, 0, length);
        return (int) crc.getValue();
    }

    private static int catalogCrc(String name, byte[] entry, int length) {
        CRC32C crc = start(CATALOG, 0, 0);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        crc.update(n, 0, n.length);
        crc.update(0);
        crc.update(entry, 0, length);
        return (int) crc.getValue();
    }

    /** {@code value} followed by the checksum of record {@code key} of object {@code objectId}. */
    static byte[] sealRecord(long objectId, long key, byte[] value) {
        return append(value, recordCrc(objectId, key, value, value.length));
    }

    /**
     * The checksum a sealed value carries, as an unsigned number (0 for a value too short to carry one): what an
     * object's summary adds up over its records.
     */
    static long trailerOf(byte[] sealed) {
        return sealed == null || sealed.length < BYTES ? 0 : trailer(sealed) & 0xffffffffL;
    }

    /** {@code summary} followed by the checksum of the summary of object {@code objectId}. */
    static byte[] sealSummary(long objectId, byte[] summary) {
        return append(summary, summaryCrc(objectId, summary, summary.length));
    }

    /** The summary of object {@code objectId} as sealed, or null if it does not match its checksum. */
    static byte[] openSummary(long objectId, byte[] sealed) {
        if (sealed == null || sealed.length < BYTES) {
            return null;
        }
        int n = sealed.length - BYTES;
        return summaryCrc(objectId, sealed, n) == trailer(sealed) ? Arrays.copyOf(sealed, n) : null;
    }

    private static int summaryCrc(long objectId, byte[] summary, int length) {
        CRC32C crc = start(SUMMARY, objectId, 0);
        crc.update(summary, 0, length);
        return (int) crc.getValue();
    }

    /** The value of a sealed record, or null if it does not match its checksum. */
    static byte[] openRecord(long objectId, long key, byte[] sealed) {
        if (sealed == null || sealed.length < BYTES) {
            return null;
        }
        int n = sealed.length - BYTES;
        return recordCrc(objectId, key, sealed, n) == trailer(sealed) ? Arrays.copyOf(sealed, n) : null;
    }

    static byte[] sealLog(long logKey, byte[] entry) {
        return append(entry, logCrc(logKey, entry, entry.length));
    }

    /** The entry of a sealed log entry, or null if it does not match its checksum. */
    static byte[] openLog(long logKey, byte[] sealed) {
        if (sealed == null || sealed.length < BYTES) {
            return null;
        }
        int n = sealed.length - BYTES;
        return logCrc(logKey, sealed, n) == trailer(sealed) ? Arrays.copyOf(sealed, n) : null;
    }

    static byte[] sealCatalog(String name, byte[] entry) {
        return append(entry, catalogCrc(name, entry, entry.length));
    }

    /** The entry of a sealed catalog entry, or null if it does not match its checksum. */
    static byte[] openCatalog(String name, byte[] sealed) {
        if (sealed == null || sealed.length < BYTES) {
            return null;
        }
        int n = sealed.length - BYTES;
        return catalogCrc(name, sealed, n) == trailer(sealed) ? Arrays.copyOf(sealed, n) : null;
    }

    /** A meta value as stored: {@code value} then {@code '#'} and the checksum in hex. */
    static String sealMeta(String key, String value) {
        return value + "#" + String.format("%08x", metaCrc(key, value));
    }

    /** The value of a sealed meta entry, or null if it is missing or does not match its checksum. */
    static String openMeta(String key, String sealed) {
        if (sealed == null) {
            return null;
        }
        int hash = sealed.lastIndexOf('#');
        if (hash < 0 || sealed.length() - hash != 9) {
            return null;
        }
        String value = sealed.substring(0, hash);
        try {
            return Integer.parseUnsignedInt(sealed.substring(hash + 1), 16) == metaCrc(key, value) ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int metaCrc(String key, String value) {
        CRC32C crc = start(META, 0, 0);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        crc.update(k, 0, k.length);
        crc.update(0);
        crc.update(v, 0, v.length);
        return (int) crc.getValue();
    }

    /** CRC32C of {@code bytes[0, length)}. */
    static int of(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static byte[] append(byte[] value, int crc) {
        byte[] out = Arrays.copyOf(value, value.length + BYTES);
        int n = value.length;
        out[n] = (byte) (crc >>> 24);
        out[n + 1] = (byte) (crc >>> 16);
        out[n + 2] = (byte) (crc >>> 8);
        out[n + 3] = (byte) crc;
        return out;
    }

    private static int trailer(byte[] sealed) {
        int n = sealed.length - BYTES;
        return (sealed[n] & 0xff) << 24 | (sealed[n + 1] & 0xff) << 16 | (sealed[n + 2] & 0xff) << 8
                | sealed[n + 3] & 0xff;
    }
}
