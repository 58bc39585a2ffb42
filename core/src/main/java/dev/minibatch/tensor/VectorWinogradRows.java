package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradRows}' transforms on the Vector API, a whole vector of columns at a time, the same operations in
 * the same order; the columns past the last whole vector are left to {@link WinogradRows}. Each transform loads
 * its rows once per vector and writes all its outputs: the generic combination of rows it replaces loaded the
 * eight rows again for every output, with a multiply-add for every coefficient, zeros included. Each method
 * loads and pairs its rows itself, as {@link WinogradRows} does: a vector passed to or returned from a method the
 * JIT does not inline is boxed, and the loop then runs at scalar speed.
 */
final class VectorWinogradRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorWinogradRows() {
    }

    /** {@link WinogradRows#input} for the whole vectors of [0, n); returns where it stopped. */
    static int input(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        int[] r = starts(srcOff, rows);
        FloatVector k425 = FloatVector.broadcast(S, -4.25f);
        FloatVector k5 = FloatVector.broadcast(S, -5f);
        FloatVector k4 = FloatVector.broadcast(S, 4f);
        FloatVector k525 = FloatVector.broadcast(S, 5.25f);
        int whole = n / L * L;
        for (int i = 0; i < whole; i += L) {
            FloatVector d0 = FloatVector.fromArray(S, src, r[0] + i);
            FloatVector d1 = FloatVector.fromArray(S, src, r[1] + i);
            FloatVector d2 = FloatVector.fromArray(S, src, r[2] + i);
            FloatVector d3 = FloatVector.fromArray(S, src, r[3] + i);
            FloatVector d4 = FloatVector.fromArray(S, src, r[4] + i);
            FloatVector d5 = FloatVector.fromArray(S, src, r[5] + i);
            FloatVector d6 = FloatVector.fromArray(S, src, r[6] + i);
            FloatVector d7 = FloatVector.fromArray(S, src, r[7] + i);
            FloatVector a = d4.fma(k425, d2.add(d6));
            FloatVector b = d3.fma(k425, d1.add(d5));
            FloatVector c = d4.fma(k5, d6.fma(k4, d2));
            FloatVector e = d3.fma(k5, d5.fma(k4, d1)).mul(2f);
            FloatVector f = d4.fma(k5, d2.fma(k4, d6)).mul(2f);
            FloatVector h = d3.fma(k5, d1.fma(k4, d5));
            int to = dstOff + i;
            d4.sub(d2).fma(k525, d0.sub(d6)).intoArray(dst, to);
            a.add(b).neg().intoArray(dst, to + dstStride);
            b.sub(a).intoArray(dst, to + 2 * dstStride);
            c.add(e).intoArray(dst, to + 3 * dstStride);
            c.sub(e).intoArray(dst, to + 4 * dstStride);
            f.add(h).intoArray(dst, to + 5 * dstStride);
            f.sub(h).intoArray(dst, to + 6 * dstStride);
            d3.sub(d5).fma(k525, d7.sub(d1)).intoArray(dst, to + 7 * dstStride);
        }
        return whole;
    }

    /** {@link WinogradRows#output} for the whole vectors of [0, n); returns where it stopped. */
    static int output(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        int[] r = starts(srcOff, rows);
        FloatVector k05 = FloatVector.broadcast(S, 0.5f);
        FloatVector k2 = FloatVector.broadcast(S, 2f);
        FloatVector k025 = FloatVector.broadcast(S, 0.25f);
        FloatVector k4 = FloatVector.broadcast(S, 4f);
        FloatVector k0125 = FloatVector.broadcast(S, 0.125f);
        FloatVector k8 = FloatVector.broadcast(S, 8f);
        int whole = n / L * L;
        for (int i = 0; i < whole; i += L) {
            FloatVector m1 = FloatVector.fromArray(S, src, r[1] + i);
            FloatVector m2 = FloatVector.fromArray(S, src, r[2] + i);
            FloatVector m3 = FloatVector.fromArray(S, src, r[3] + i);
            FloatVector m4 = FloatVector.fromArray(S, src, r[4] + i);
            FloatVector m5 = FloatVector.fromArray(S, src, r[5] + i);
            FloatVector m6 = FloatVector.fromArray(S, src, r[6] + i);
            FloatVector s12 = m1.add(m2);
            FloatVector d12 = m1.sub(m2);
            FloatVector s34 = m3.add(m4);
            FloatVector d34 = m3.sub(m4);
            FloatVector s56 = m5.add(m6);
            FloatVector d56 = m5.sub(m6);
            int to = dstOff + i;
            FloatVector.fromArray(S, src, r[0] + i).add(s12).add(s34).add(s56).intoArray(dst, to);
            d56.fma(k05, d34.fma(k2, d12)).intoArray(dst, to + dstStride);
            s56.fma(k025, s34.fma(k4, s12)).intoArray(dst, to + 2 * dstStride);
            d56.fma(k0125, d34.fma(k8, d12)).add(FloatVector.fromArray(S, src, r[7] + i))
                    .intoArray(dst, to + 3 * dstStride);
        }
        return whole;
    }

    /** {@link WinogradRows#outputGrad} for the whole vectors of [0, n); returns where it stopped. */
    static int outputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        int[] r = starts(srcOff, rows);
        FloatVector k4 = FloatVector.broadcast(S, 4f);
        FloatVector k025 = FloatVector.broadcast(S, 0.25f);
        int whole = n / L * L;
        for (int i = 0; i < whole; i += L) {
            FloatVector g0 = FloatVector.fromArray(S, src, r[0] + i);
            FloatVector g1 = FloatVector.fromArray(S, src, r[1] + i);
            FloatVector g2 = FloatVector.fromArray(S, src, r[2] + i);
            FloatVector g3 = FloatVector.fromArray(S, src, r[3] + i);
            FloatVector e1 = g0.add(g2);
            FloatVector o1 = g1.add(g3);
            FloatVector e2 = g2.fma(k4, g0);
            FloatVector o2 = g3.fma(k4, g1).mul(2f);
            FloatVector e3 = g2.fma(k025, g0);
            FloatVector o3 = g3.fma(k025, g1).mul(0.5f);
            int to = dstOff + i;
            g0.intoArray(dst, to);
            e1.add(o1).intoArray(dst, to + dstStride);
            e1.sub(o1).intoArray(dst, to + 2 * dstStride);
            e2.add(o2).intoArray(dst, to + 3 * dstStride);
            e2.sub(o2).intoArray(dst, to + 4 * dstStride);
            e3.add(o3).intoArray(dst, to + 5 * dstStride);
            e3.sub(o3).intoArray(dst, to + 6 * dstStride);
            g3.intoArray(dst, to + 7 * dstStride);
        }
        return whole;
    }

    /**
     * {@link WinogradRows#inputGrad} for the whole vectors of [0, n); returns where it stopped. Its two halves are
     * two methods: compiled as one loop, C2 sometimes ran out of budget before the last two stores and left them
     * as boxed Java code.
     */
    static int inputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, boolean last,
                         int n) {
        return last ? inputGradLast(src, srcOff, rows, dst, dstOff, dstStride, n)
                : inputGradFirst(src, srcOff, rows, dst, dstOff, dstStride, n);
    }

    /** A tile's first four rows, written. */
    private static int inputGradFirst(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride,
                                      int n) {
        int[] r = starts(srcOff, rows);
        FloatVector k2 = FloatVector.broadcast(S, 2f);
        FloatVector k4 = FloatVector.broadcast(S, 4f);
        FloatVector k8 = FloatVector.broadcast(S, 8f);
        FloatVector k525 = FloatVector.broadcast(S, 5.25f);
        FloatVector km525 = FloatVector.broadcast(S, -5.25f);
        FloatVector km5 = FloatVector.broadcast(S, -5f);
        FloatVector km10 = FloatVector.broadcast(S, -10f);
        int whole = n / L * L;
        for (int i = 0; i < whole; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, src, r[0] + i);
            FloatVector v1 = FloatVector.fromArray(S, src, r[1] + i);
            FloatVector v2 = FloatVector.fromArray(S, src, r[2] + i);
            FloatVector v3 = FloatVector.fromArray(S, src, r[3] + i);
            FloatVector v4 = FloatVector.fromArray(S, src, r[4] + i);
            FloatVector v5 = FloatVector.fromArray(S, src, r[5] + i);
            FloatVector v6 = FloatVector.fromArray(S, src, r[6] + i);
            FloatVector v7 = FloatVector.fromArray(S, src, r[7] + i);
            FloatVector s12 = v1.add(v2);
            FloatVector d21 = v2.sub(v1);
            FloatVector s34 = v3.add(v4);
            FloatVector d34 = v3.sub(v4);
            FloatVector s56 = v5.add(v6);
            FloatVector d56 = v5.sub(v6);
            int to = dstOff + i;
            v0.intoArray(dst, to);
            d56.fma(k4, d34.fma(k2, d21)).sub(v7).intoArray(dst, to + dstStride);
            v0.fma(km525, s56.fma(k8, s34.sub(s12))).intoArray(dst, to + 2 * dstStride);
            v7.fma(k525, d56.fma(km5, d34.fma(km10, d21.mul(-4.25f)))).intoArray(dst, to + 3 * dstStride);
        }
        return whole;
    }

    /** A tile's last four rows, added to what is there: the next tile's first four. */
    private static int inputGradLast(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride,
                                     int n) {
        int[] r = starts(srcOff, rows);
        FloatVector k2 = FloatVector.broadcast(S, 2f);
        FloatVector k4 = FloatVector.broadcast(S, 4f);
        FloatVector k8 = FloatVector.broadcast(S, 8f);
        FloatVector k525 = FloatVector.broadcast(S, 5.25f);
        FloatVector km525 = FloatVector.broadcast(S, -5.25f);
        FloatVector km5 = FloatVector.broadcast(S, -5f);
        FloatVector km10 = FloatVector.broadcast(S, -10f);
        int whole = n / L * L;
        for (int i = 0; i < whole; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, src, r[0] + i);
            FloatVector v1 = FloatVector.fromArray(S, src, r[1] + i);
            FloatVector v2 = FloatVector.fromArray(S, src, r[2] + i);
            FloatVector v3 = FloatVector.fromArray(S, src, r[3] + i);
            FloatVector v4 = FloatVector.fromArray(S, src, r[4] + i);
            FloatVector v5 = FloatVector.fromArray(S, src, r[5] + i);
            FloatVector v6 = FloatVector.fromArray(S, src, r[6] + i);
            FloatVector v7 = FloatVector.fromArray(S, src, r[7] + i);
            FloatVector s12 = v1.add(v2);
            FloatVector d21 = v2.sub(v1);
            FloatVector s34 = v3.add(v4);
            FloatVector d34 = v3.sub(v4);
            FloatVector s56 = v5.add(v6);
            FloatVector d56 = v5.sub(v6);
            int to = dstOff + i;
            int to1 = to + dstStride;
            int to2 = to + 2 * dstStride;
            int to3 = to + 3 * dstStride;
            FloatVector.fromArray(S, dst, to).add(v0.fma(k525, s56.fma(km10, s34.fma(km5, s12.mul(4.25f)))))
                    .intoArray(dst, to);
            FloatVector.fromArray(S, dst, to1).add(v7.fma(km525, d34.fma(k8, d21).add(d56))).intoArray(dst, to1);
            FloatVector.fromArray(S, dst, to2).add(s56.fma(k2, s34.fma(k4, s12.neg())).sub(v0))
                    .intoArray(dst, to2);
            FloatVector.fromArray(S, dst, to3).add(v7).intoArray(dst, to3);
        }
        return whole;
    }

    /** Where each input row starts: the loops' loads, hoisted. */
    private static int[] starts(int srcOff, int[] rows) {
        int[] r = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            r[k] = srcOff + rows[k];
        }
        return r;
    }
}
