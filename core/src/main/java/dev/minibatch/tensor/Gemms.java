package dev.minibatch.tensor;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** What every matrix-product kernel does alike, before its own loops. */
final class Gemms {
    /**
     * Depth of a slice of k. Every product kernel sums each element of C over k a slice at a time, each
     * slice from zero, then adds it to C: {@code VectorGemm}'s slice of packed B (KC x 64 floats, 32 KB at 512
     * bits) stays in the L1 cache, and {@link PlainGemm} sums in the same order, for the same bits.
     */
    static final int KC = 128;

    private Gemms() {
    }

    /**
     * Handles the empty products: no C at all (m or n is 0), or a C that is a sum over nothing (k is 0) and so
     * zero, or left as it is when accumulating. Returns whether the product was one of these.
     */
    static boolean degenerate(int m, int n, int k, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) {
            return true;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOff, cOff + m * n, 0f);
            }
            return true;
        }
        return false;
    }

    /**
     * Runs tasks {@code 0..tasks-1}: shared with {@link Parallel}'s threads when the product is large enough
     * to pay for a hand-off, else on the calling thread.
     */
    static void run(boolean parallel, int tasks, IntConsumer task) {
        if (parallel) {
            Parallel.forEach(tasks, task);
        } else {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        }
    }
}
