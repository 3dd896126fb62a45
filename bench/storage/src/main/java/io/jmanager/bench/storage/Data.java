package io.jmanager.bench.storage;

import java.util.SplittableRandom;

/** Keys and values of the workload. */
final class Data {
    static final int VALUE_BYTES = 100;
    static final int KV_KEYS = 100_000;

    private Data() {
    }

    /** 16-byte key of the recovery data set and of the KV write test. */
    static String key(long i) {
        String digits = Long.toString(i);
        StringBuilder b = new StringBuilder(16).append("key:");
        for (int pad = 12 - digits.length(); pad > 0; pad--) {
            b.append('0');
        }
        return b.append(digits).toString();
    }

    /**
     * 100 pseudo-random (incompressible) bytes determined by the key, so a reader can check them. The seed is
     * mixed first: SplittableRandom's streams for seeds a multiple of its gamma apart overlap, which would make
     * neighbouring values shifted copies of each other (and compressible).
     */
    static byte[] value(long key) {
        byte[] v = new byte[VALUE_BYTES];
        new SplittableRandom(mix(key)).nextBytes(v);
        return v;
    }

    /** The splitmix64 finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Position i of a fixed permutation of 0..n-1 (n not a multiple of the multiplier), so loads are not sorted. */
    static long permuted(long i, long n) {
        return (i * 1_000_003L) % n;
    }

    static byte[] longBytes(long k) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) k;
            k >>>= 8;
        }
        return b;
    }

    static long bytesLong(byte[] b) {
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = (k << 8) | (b[i] & 0xFF);
        }
        return k;
    }
}
