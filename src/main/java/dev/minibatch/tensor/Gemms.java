package dev.minibatch.tensor;

import java.util.Arrays;

/** What every matrix-product kernel does alike, before its own loops. */
final class Gemms {
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
}
