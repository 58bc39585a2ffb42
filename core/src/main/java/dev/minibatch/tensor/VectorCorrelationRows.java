package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.minibatch.tensor.VectorMicroKernels.L;
import static dev.minibatch.tensor.VectorMicroKernels.S;

/**
 * {@link Kernels#correlateWeightsRows} on the Vector API: output channels across the lanes, and a kernel row's
 * taps, one column apart, in the rows of a tile. Position q's five taps read {@code in[q..q+4]}, and position
 * q+1's read {@code in[q+1..q+5]}: the tile keeps the broadcasts in registers and shifts them, so that each
 * position costs one broadcast and two loads of the gradient for ten multiply-adds, where the unrolled product
 * {@code col·gᵀ} broadcast each of its six rows' inputs for two (a load per 1.5 multiply-adds against one per
 * 3.3). Rows of other widths, and channels past the last pair of vectors, go one tap and one vector at a time.
 *
 * <p>Each weight's gradient is one chain of fused multiply-adds over the positions in order, then added to
 * {@code dw}, as in {@link PlainKernels}, so the two give the same bits.
 */
final class VectorCorrelationRows {
    /** The row width the shifting tiles are written for: a 5x5 kernel's. */
    static final int WIDTH = 5;

    private VectorCorrelationRows() {
    }

    static void correlateWeightsRows(float[] in, int inOff, int[] rows, int width, float[] g, int gOff, int ldg,
                                     int n, int span, float[] dw, int dwOff, int ldw, boolean accumulate) {
        VectorMask<Float> last = S.indexInRange(n / L * L, n);
        for (int r = 0; r < rows.length; r++) {
            int at = inOff + rows[r];
            int d = dwOff + r * width * ldw;
            int o = 0;
            if (width == WIDTH) {
                for (; o + 2 * L <= n; o += 2 * L) {
                    tile5x2(in, at, g, gOff + o, ldg, span, dw, d + o, ldw, accumulate);
                }
            }
            for (; o < n; o += L) {
                boolean whole = o + L <= n;
                for (int j = 0; j < width; j++) {
                    tap(in, at + j, g, gOff + o, ldg, span, dw, d + j * ldw + o, accumulate, whole, last);
                }
            }
        }
    }

    /** The five taps from {@code in[at]} by channels o..o+2L-1 of the gradient at {@code g[gi..]}. */
    private static void tile5x2(float[] in, int at, float[] g, int gi, int ldg, int span, float[] dw, int d,
                                int ldw, boolean accumulate) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.broadcast(S, in[at]);
        FloatVector b1 = FloatVector.broadcast(S, in[at + 1]);
        FloatVector b2 = FloatVector.broadcast(S, in[at + 2]);
        FloatVector b3 = FloatVector.broadcast(S, in[at + 3]);
        for (int q = 0; q < span; q++, gi += ldg) {
            FloatVector b4 = FloatVector.broadcast(S, in[at + q + 4]);
            FloatVector g0 = FloatVector.fromArray(S, g, gi);
            FloatVector g1 = FloatVector.fromArray(S, g, gi + L);
            a00 = b0.fma(g0, a00);
            a01 = b0.fma(g1, a01);
            a10 = b1.fma(g0, a10);
            a11 = b1.fma(g1, a11);
            a20 = b2.fma(g0, a20);
            a21 = b2.fma(g1, a21);
            a30 = b3.fma(g0, a30);
            a31 = b3.fma(g1, a31);
            a40 = b4.fma(g0, a40);
            a41 = b4.fma(g1, a41);
            b0 = b1;
            b1 = b2;
            b2 = b3;
            b3 = b4;
        }
        put(a00, a01, dw, d, accumulate);
        put(a10, a11, dw, d + ldw, accumulate);
        put(a20, a21, dw, d + 2 * ldw, accumulate);
        put(a30, a31, dw, d + 3 * ldw, accumulate);
        put(a40, a41, dw, d + 4 * ldw, accumulate);
    }

    private static void put(FloatVector lo, FloatVector hi, float[] dw, int d, boolean accumulate) {
        if (accumulate) {
            lo = FloatVector.fromArray(S, dw, d).add(lo);
            hi = FloatVector.fromArray(S, dw, d + L).add(hi);
        }
        lo.intoArray(dw, d);
        hi.intoArray(dw, d + L);
    }

    /** One tap, {@code in[at + q]}, by one vector of channels, only {@code last}'s lanes unless {@code whole}. */
    private static void tap(float[] in, int at, float[] g, int gi, int ldg, int span, float[] dw, int d,
                            boolean accumulate, boolean whole, VectorMask<Float> last) {
        FloatVector a = FloatVector.zero(S);
        for (int q = 0; q < span; q++, gi += ldg) {
            a = FloatVector.broadcast(S, in[at + q]).fma(VectorCorrelation.load(g, gi, whole, last), a);
        }
        if (accumulate) {
            a = VectorCorrelation.load(dw, d, whole, last).add(a);
        }
        if (whole) {
            a.intoArray(dw, d);
        } else {
            a.intoArray(dw, d, last);
        }
    }
}
