package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.minibatch.tensor.VectorMicroKernels.L;
import static dev.minibatch.tensor.VectorMicroKernels.S;

/**
 * {@link Kernels#gemmUnrolled} on the Vector API: {@code C = A·B} with A an unrolled image read in place,
 * element (i, q) at {@code a[aOff + rows[i] + cols[q]]}. Tiles of six rows of C by two vectors: each step
 * broadcasts six elements of A and loads two vectors of a row of B. Columns past the last two whole vectors
 * go one masked vector at a time, six rows at a time; rows left over past the last six, one at a time.
 *
 * <p>Each element of C is one chain of fused multiply-adds over q in order, whichever tile computes it, on
 * the calling thread: the result does not depend on the thread count.
 */
final class VectorUnrolledGemm {
    private static final int MR = 6;

    private VectorUnrolledGemm() {
    }

    static void gemm(float[] a, int aOff, int[] rows, int[] cols, float[] b, int bOff, int ldb, int n,
                     float[] c, int cOff, boolean accumulate) {
        int m = rows.length;
        // Made once: building a mask from a range is not an intrinsic: per tile, 4% of an epoch's samples.
        VectorMask<Float> whole = S.maskAll(true);
        VectorMask<Float> last = S.indexInRange(n / L * L, n);
        for (int i = 0; i < m; i += MR) {
            int j = 0;
            if (i + MR <= m) {
                for (; j + 2 * L <= n; j += 2 * L) {
                    tile6x2(a, aOff, rows, i, cols, b, bOff + j, ldb, c, cOff + i * n + j, n, accumulate);
                }
            }
            for (; j < n; j += L) {
                VectorMask<Float> mask = j + L <= n ? whole : last;
                if (i + MR <= m) {
                    tile6x1(a, aOff, rows, i, cols, b, bOff + j, ldb, mask, c, cOff + i * n + j, n, accumulate);
                    continue;
                }
                for (int r = i; r < m; r++) {
                    row1(a, aOff + rows[r], cols, b, bOff + j, ldb, mask, c, cOff + r * n + j, accumulate);
                }
            }
        }
    }

    /** Rows i..i+5 of C, two vectors wide. */
    private static void tile6x2(float[] a, int aOff, int[] rows, int i, int[] cols, float[] b, int bi, int ldb,
                                float[] c, int ci, int ldc, boolean accumulate) {
        int r0 = aOff + rows[i];
        int r1 = aOff + rows[i + 1];
        int r2 = aOff + rows[i + 2];
        int r3 = aOff + rows[i + 3];
        int r4 = aOff + rows[i + 4];
        int r5 = aOff + rows[i + 5];
        FloatVector c00 = start(c, ci, accumulate);
        FloatVector c01 = start(c, ci + L, accumulate);
        FloatVector c10 = start(c, ci + ldc, accumulate);
        FloatVector c11 = start(c, ci + ldc + L, accumulate);
        FloatVector c20 = start(c, ci + 2 * ldc, accumulate);
        FloatVector c21 = start(c, ci + 2 * ldc + L, accumulate);
        FloatVector c30 = start(c, ci + 3 * ldc, accumulate);
        FloatVector c31 = start(c, ci + 3 * ldc + L, accumulate);
        FloatVector c40 = start(c, ci + 4 * ldc, accumulate);
        FloatVector c41 = start(c, ci + 4 * ldc + L, accumulate);
        FloatVector c50 = start(c, ci + 5 * ldc, accumulate);
        FloatVector c51 = start(c, ci + 5 * ldc + L, accumulate);
        for (int q = 0, bq = bi; q < cols.length; q++, bq += ldb) {
            int at = cols[q];
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
            FloatVector x = FloatVector.broadcast(S, a[r0 + at]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[r1 + at]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[r2 + at]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[r3 + at]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[r4 + at]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[r5 + at]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + L);
    }

    /** Rows i..i+5 of C, one vector wide, its lanes past n masked off. */
    private static void tile6x1(float[] a, int aOff, int[] rows, int i, int[] cols, float[] b, int bi, int ldb,
                                VectorMask<Float> mask, float[] c, int ci, int ldc, boolean accumulate) {
        int r0 = aOff + rows[i];
        int r1 = aOff + rows[i + 1];
        int r2 = aOff + rows[i + 2];
        int r3 = aOff + rows[i + 3];
        int r4 = aOff + rows[i + 4];
        int r5 = aOff + rows[i + 5];
        FloatVector c0 = start(c, ci, mask, accumulate);
        FloatVector c1 = start(c, ci + ldc, mask, accumulate);
        FloatVector c2 = start(c, ci + 2 * ldc, mask, accumulate);
        FloatVector c3 = start(c, ci + 3 * ldc, mask, accumulate);
        FloatVector c4 = start(c, ci + 4 * ldc, mask, accumulate);
        FloatVector c5 = start(c, ci + 5 * ldc, mask, accumulate);
        // A masked load is checked lane by lane (a mask operation per load): a whole vector is loaded plainly.
        boolean whole = mask.allTrue();
        for (int q = 0, bq = bi; q < cols.length; q++, bq += ldb) {
            int at = cols[q];
            FloatVector b0 = whole ? FloatVector.fromArray(S, b, bq) : FloatVector.fromArray(S, b, bq, mask);
            c0 = FloatVector.broadcast(S, a[r0 + at]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[r1 + at]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[r2 + at]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[r3 + at]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[r4 + at]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[r5 + at]).fma(b0, c5);
        }
        c0.intoArray(c, ci, mask);
        c1.intoArray(c, ci + ldc, mask);
        c2.intoArray(c, ci + 2 * ldc, mask);
        c3.intoArray(c, ci + 3 * ldc, mask);
        c4.intoArray(c, ci + 4 * ldc, mask);
        c5.intoArray(c, ci + 5 * ldc, mask);
    }

    private static FloatVector start(float[] c, int ci, VectorMask<Float> mask, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, ci, mask) : FloatVector.zero(S);
    }

    private static FloatVector start(float[] c, int ci, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
    }

    /** One row of C, one vector wide, its lanes past n masked off. */
    private static void row1(float[] a, int r, int[] cols, float[] b, int bi, int ldb, VectorMask<Float> mask,
                             float[] c, int ci, boolean accumulate) {
        FloatVector acc = start(c, ci, mask, accumulate);
        for (int q = 0, bq = bi; q < cols.length; q++, bq += ldb) {
            acc = FloatVector.broadcast(S, a[r + cols[q]]).fma(FloatVector.fromArray(S, b, bq, mask), acc);
        }
        acc.intoArray(c, ci, mask);
    }
}
