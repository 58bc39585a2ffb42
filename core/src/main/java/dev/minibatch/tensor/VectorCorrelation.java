package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.minibatch.tensor.VectorMicroKernels.L;
import static dev.minibatch.tensor.VectorMicroKernels.S;

/**
 * {@link Kernels#correlate} on the Vector API: output positions across the lanes, so that one load of the
 * input serves every output channel of a tile, and the weights are broadcast. Tiles of eight channels by
 * three vectors (24 accumulators): each tap, three loads and eight broadcasts for 24 multiply-adds, where
 * the unrolled product of a 16-channel layer did one broadcast per multiply-add. Positions past the last
 * three whole vectors go two at a time (four left go as two pairs: a tile of three would leave one vector to
 * a tile that broadcasts each weight for a single multiply-add), then one, the last one masked; channels past
 * the last eight, one at a time.
 *
 * <p>Each output is one chain of fused multiply-adds over the taps in order, whichever tile computes it.
 */
final class VectorCorrelation {
    private static final int MR = 8;
    private static final int NV = 3;

    private VectorCorrelation() {
    }

    static void correlate(float[] in, int inOff, int[] taps, float[] w, int wOff, int ldw, int n, int span,
                          float[] out, int outOff, int ldo) {
        VectorMask<Float> last = S.indexInRange(span / L * L, span);
        int o = 0;
        for (; o + MR <= n; o += MR) {
            int q = 0;
            for (; q + NV * L <= span && span - q != 2 * 2 * L; q += NV * L) {
                tile8x3(in, inOff + q, taps, w, wOff + o, ldw, out, outOff + o * ldo + q, ldo);
            }
            for (; q + 2 * L <= span; q += 2 * L) {
                tile8x2(in, inOff + q, taps, w, wOff + o, ldw, out, outOff + o * ldo + q, ldo);
            }
            for (; q < span; q += L) {
                tile8x1(in, inOff + q, taps, w, wOff + o, ldw, out, outOff + o * ldo + q, ldo, q + L <= span, last);
            }
        }
        for (; o < n; o++) {
            for (int q = 0; q < span; q += L) {
                row1(in, inOff + q, taps, w, wOff + o, ldw, out, outOff + o * ldo + q, q + L <= span, last);
            }
        }
    }

    /** A whole vector at {@code a[at..]}, or only the lanes of {@code mask}, the others zero. */
    static FloatVector load(float[] a, int at, boolean whole, VectorMask<Float> mask) {
        return whole ? FloatVector.fromArray(S, a, at) : FloatVector.fromArray(S, a, at, mask);
    }

    private static void store(FloatVector v, float[] a, int at, boolean whole, VectorMask<Float> mask) {
        if (whole) {
            v.intoArray(a, at);
        } else {
            v.intoArray(a, at, mask);
        }
    }

    /** Channels wo..wo+7 (of the weight's columns) by three vectors of positions from {@code base}. */
    private static void tile8x3(float[] in, int base, int[] taps, float[] w, int wo, int ldw,
                                float[] out, int oi, int ldo) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        FloatVector c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c61 = FloatVector.zero(S);
        FloatVector c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        FloatVector c71 = FloatVector.zero(S);
        FloatVector c72 = FloatVector.zero(S);
        for (int t = 0, wt = wo; t < taps.length; t++, wt += ldw) {
            int at = base + taps[t];
            FloatVector x0 = FloatVector.fromArray(S, in, at);
            FloatVector x1 = FloatVector.fromArray(S, in, at + L);
            FloatVector x2 = FloatVector.fromArray(S, in, at + 2 * L);
            FloatVector v = FloatVector.broadcast(S, w[wt]);
            c00 = v.fma(x0, c00);
            c01 = v.fma(x1, c01);
            c02 = v.fma(x2, c02);
            v = FloatVector.broadcast(S, w[wt + 1]);
            c10 = v.fma(x0, c10);
            c11 = v.fma(x1, c11);
            c12 = v.fma(x2, c12);
            v = FloatVector.broadcast(S, w[wt + 2]);
            c20 = v.fma(x0, c20);
            c21 = v.fma(x1, c21);
            c22 = v.fma(x2, c22);
            v = FloatVector.broadcast(S, w[wt + 3]);
            c30 = v.fma(x0, c30);
            c31 = v.fma(x1, c31);
            c32 = v.fma(x2, c32);
            v = FloatVector.broadcast(S, w[wt + 4]);
            c40 = v.fma(x0, c40);
            c41 = v.fma(x1, c41);
            c42 = v.fma(x2, c42);
            v = FloatVector.broadcast(S, w[wt + 5]);
            c50 = v.fma(x0, c50);
            c51 = v.fma(x1, c51);
            c52 = v.fma(x2, c52);
            v = FloatVector.broadcast(S, w[wt + 6]);
            c60 = v.fma(x0, c60);
            c61 = v.fma(x1, c61);
            c62 = v.fma(x2, c62);
            v = FloatVector.broadcast(S, w[wt + 7]);
            c70 = v.fma(x0, c70);
            c71 = v.fma(x1, c71);
            c72 = v.fma(x2, c72);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + L);
        c02.intoArray(out, oi + 2 * L);
        c10.intoArray(out, oi + ldo);
        c11.intoArray(out, oi + ldo + L);
        c12.intoArray(out, oi + ldo + 2 * L);
        c20.intoArray(out, oi + 2 * ldo);
        c21.intoArray(out, oi + 2 * ldo + L);
        c22.intoArray(out, oi + 2 * ldo + 2 * L);
        c30.intoArray(out, oi + 3 * ldo);
        c31.intoArray(out, oi + 3 * ldo + L);
        c32.intoArray(out, oi + 3 * ldo + 2 * L);
        c40.intoArray(out, oi + 4 * ldo);
        c41.intoArray(out, oi + 4 * ldo + L);
        c42.intoArray(out, oi + 4 * ldo + 2 * L);
        c50.intoArray(out, oi + 5 * ldo);
        c51.intoArray(out, oi + 5 * ldo + L);
        c52.intoArray(out, oi + 5 * ldo + 2 * L);
        c60.intoArray(out, oi + 6 * ldo);
        c61.intoArray(out, oi + 6 * ldo + L);
        c62.intoArray(out, oi + 6 * ldo + 2 * L);
        c70.intoArray(out, oi + 7 * ldo);
        c71.intoArray(out, oi + 7 * ldo + L);
        c72.intoArray(out, oi + 7 * ldo + 2 * L);
    }

    /**
     * Channels wo..wo+7 by two vectors of positions: a run's last two, where two one-vector tiles broadcast
     * every weight twice.
     */
    private static void tile8x2(float[] in, int base, int[] taps, float[] w, int wo, int ldw,
                                float[] out, int oi, int ldo) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        FloatVector c71 = FloatVector.zero(S);
        for (int t = 0, wt = wo; t < taps.length; t++, wt += ldw) {
            int at = base + taps[t];
            FloatVector x0 = FloatVector.fromArray(S, in, at);
            FloatVector x1 = FloatVector.fromArray(S, in, at + L);
            FloatVector v0 = FloatVector.broadcast(S, w[wt]);
            c00 = v0.fma(x0, c00);
            c01 = v0.fma(x1, c01);
            FloatVector v1 = FloatVector.broadcast(S, w[wt + 1]);
            c10 = v1.fma(x0, c10);
            c11 = v1.fma(x1, c11);
            FloatVector v2 = FloatVector.broadcast(S, w[wt + 2]);
            c20 = v2.fma(x0, c20);
            c21 = v2.fma(x1, c21);
            FloatVector v3 = FloatVector.broadcast(S, w[wt + 3]);
            c30 = v3.fma(x0, c30);
            c31 = v3.fma(x1, c31);
            FloatVector v4 = FloatVector.broadcast(S, w[wt + 4]);
            c40 = v4.fma(x0, c40);
            c41 = v4.fma(x1, c41);
            FloatVector v5 = FloatVector.broadcast(S, w[wt + 5]);
            c50 = v5.fma(x0, c50);
            c51 = v5.fma(x1, c51);
            FloatVector v6 = FloatVector.broadcast(S, w[wt + 6]);
            c60 = v6.fma(x0, c60);
            c61 = v6.fma(x1, c61);
            FloatVector v7 = FloatVector.broadcast(S, w[wt + 7]);
            c70 = v7.fma(x0, c70);
            c71 = v7.fma(x1, c71);
        }
        c00.intoArray(out, oi);
        c01.intoArray(out, oi + L);
        c10.intoArray(out, oi + ldo);
        c11.intoArray(out, oi + ldo + L);
        c20.intoArray(out, oi + 2 * ldo);
        c21.intoArray(out, oi + 2 * ldo + L);
        c30.intoArray(out, oi + 3 * ldo);
        c31.intoArray(out, oi + 3 * ldo + L);
        c40.intoArray(out, oi + 4 * ldo);
        c41.intoArray(out, oi + 4 * ldo + L);
        c50.intoArray(out, oi + 5 * ldo);
        c51.intoArray(out, oi + 5 * ldo + L);
        c60.intoArray(out, oi + 6 * ldo);
        c61.intoArray(out, oi + 6 * ldo + L);
        c70.intoArray(out, oi + 7 * ldo);
        c71.intoArray(out, oi + 7 * ldo + L);
    }

    /** Channels wo..wo+7 by one vector of positions, only {@code last}'s lanes unless {@code whole}. */
    private static void tile8x1(float[] in, int base, int[] taps, float[] w, int wo, int ldw, float[] out, int oi,
                                int ldo, boolean whole, VectorMask<Float> last) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        for (int t = 0, wt = wo; t < taps.length; t++, wt += ldw) {
            FloatVector x = load(in, base + taps[t], whole, last);
            c0 = FloatVector.broadcast(S, w[wt]).fma(x, c0);
            c1 = FloatVector.broadcast(S, w[wt + 1]).fma(x, c1);
            c2 = FloatVector.broadcast(S, w[wt + 2]).fma(x, c2);
            c3 = FloatVector.broadcast(S, w[wt + 3]).fma(x, c3);
            c4 = FloatVector.broadcast(S, w[wt + 4]).fma(x, c4);
            c5 = FloatVector.broadcast(S, w[wt + 5]).fma(x, c5);
            c6 = FloatVector.broadcast(S, w[wt + 6]).fma(x, c6);
            c7 = FloatVector.broadcast(S, w[wt + 7]).fma(x, c7);
        }
        store(c0, out, oi, whole, last);
        store(c1, out, oi + ldo, whole, last);
        store(c2, out, oi + 2 * ldo, whole, last);
        store(c3, out, oi + 3 * ldo, whole, last);
        store(c4, out, oi + 4 * ldo, whole, last);
        store(c5, out, oi + 5 * ldo, whole, last);
        store(c6, out, oi + 6 * ldo, whole, last);
        store(c7, out, oi + 7 * ldo, whole, last);
    }

    /** One channel by one vector of positions. */
    private static void row1(float[] in, int base, int[] taps, float[] w, int wo, int ldw, float[] out, int oi,
                             boolean whole, VectorMask<Float> last) {
        FloatVector c = FloatVector.zero(S);
        for (int t = 0, wt = wo; t < taps.length; t++, wt += ldw) {
            c = FloatVector.broadcast(S, w[wt]).fma(load(in, base + taps[t], whole, last), c);
        }
        store(c, out, oi, whole, last);
    }
}
