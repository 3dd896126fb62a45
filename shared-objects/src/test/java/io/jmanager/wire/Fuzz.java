package io.jmanager.wire;

import java.util.Random;

/**
 * Settings of the fixed-seed fuzz loops. A bounded run in every build (seconds); a longer one with
 * {@code -Djmanager.fuzz.iterations=2000000} (and another seed with {@code -Djmanager.fuzz.seed=N}). A failure
 * names the seed and iteration, which reproduce it.
 */
final class Fuzz {
    static final long SEED = Long.getLong("jmanager.fuzz.seed", 20261126L);
    static final int ITERATIONS = Integer.getInteger("jmanager.fuzz.iterations", 20_000);

    private Fuzz() {
    }

    /** The random source of iteration {@code i}: each iteration reproducible on its own. */
    static Random at(long salt, int i) {
        return new Random(SEED * 1_000_003L + salt * 7919L + i);
    }

    static byte[] randomBytes(Random r, int maxLength) {
        int n = r.nextInt(4) == 0 ? r.nextInt(maxLength + 1) : r.nextInt(Math.min(maxLength, 80) + 1);
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A mutation of {@code seed}: flipped, replaced, inserted or deleted bytes, truncation, or extreme ints. */
    static byte[] mutate(Random r, byte[] seed) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            if (b.length == 0) {
                return randomBytes(r, 16);
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0:
                    b[at] ^= (byte) (1 << r.nextInt(8));
                    break;
                case 1:
                    b[at] = (byte) r.nextInt(256);
                    break;
                case 2: {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                    break;
                }
                case 3: {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                    break;
                }
                case 4:
                    b = java.util.Arrays.copyOf(b, at);
                    break;
                case 5:
                    if (at + 4 <= b.length) {
                        int v = r.nextBoolean() ? Integer.MAX_VALUE : r.nextBoolean() ? -1 : 0x7ffffff0;
                        b[at] = (byte) (v >>> 24);
                        b[at + 1] = (byte) (v >>> 16);
                        b[at + 2] = (byte) (v >>> 8);
                        b[at + 3] = (byte) v;
                    }
                    break;
                default:
                    b[at] = (byte) (r.nextBoolean() ? 0 : 0xff);
            }
        }
        return b;
    }
}
