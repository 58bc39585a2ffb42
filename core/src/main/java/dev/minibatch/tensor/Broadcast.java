package dev.minibatch.tensor;

import java.util.Arrays;

/** Reading tensors at a broadcast shape, and summing gradients back down to an input's shape. */
final class Broadcast {
    private Broadcast() {
    }

    /** For each element of {@code out} (row-major), the flat offset to read from a tensor of shape {@code in}. */
    static int[] offsets(int[] in, int[] out) {
        return Shapes.offsets(out, Shapes.broadcastStrides(in, out));
    }

    /** {@code a} (of shape {@code in}) repeated to shape {@code out}. */
    static float[] expand(float[] a, int[] in, int[] out) {
        if (Arrays.equals(in, out)) {
            return a;
        }
        int[] offs = offsets(in, out);
        float[] r = new float[offs.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[offs[i]];
        }
        return r;
    }

    /** Sums a gradient of shape {@code from} over the dimensions that were broadcast to make it from {@code to}. */
    static float[] sumTo(float[] g, int[] from, int[] to) {
        if (Arrays.equals(from, to)) {
            return g;
        }
        float[] r = new float[Shapes.numel(to)];
        if (r.length == 1) {
            double s = 0;
            for (float v : g) {
                s += v;
            }
            r[0] = (float) s;
            return r;
        }
        int[] offs = offsets(to, from);
        for (int i = 0; i < g.length; i++) {
            r[offs[i]] += g[i];
        }
        return r;
    }
}
