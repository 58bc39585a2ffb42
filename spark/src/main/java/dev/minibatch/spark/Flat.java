package dev.minibatch.spark;

import java.util.List;

/** Many tensors' storages as one array, so that a collective moves them in one message. */
final class Flat {
    private Flat() {
    }

    static int length(List<float[]> parts) {
        long n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the tensors hold " + n + " values, more than one array can");
        }
        return (int) n;
    }

    /** Copies the parts one after the other into {@code into}, of {@link #length} values. */
    static void gather(List<float[]> parts, float[] into) {
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, into, at, p.length);
            at += p.length;
        }
    }

    /** Copies {@code from} back into the parts, the inverse of {@link #gather}. */
    static void scatter(float[] from, List<float[]> parts) {
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(from, at, p, 0, p.length);
            at += p.length;
        }
    }
}
