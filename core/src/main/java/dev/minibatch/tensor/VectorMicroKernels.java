package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops of {@link VectorGemm}: {@code C[MR, w] += A[MR, kc]·B[kc, w]} for one
 * tile. Step s of B is the whole vectors at {@code b[bi + s·bStep]}; element (r, s) of A, broadcast once
 * per row and step, is {@code a[ai + r + s·aStep]}: a packed panel ({@code aStep = MR}) or a transposed A
 * read in place ({@code aStep = m}). The six offsets are constants, so C2 checks the six loads' bounds as
 * one (with rows a variable stride apart it kept six, and 1024³ ran at 157 instead of 175 GFLOP/s);
 * the {@code Rows} variants take rows {@code aRow} apart, for an untransposed A read in place, which pays
 * only where packing A costs more (small products). The accumulators live in registers for the whole
 * loop: 24 of them in {@link #tile6x4}, with 4 B vectors and a broadcast, 29 of the 32 vector registers of
 * AVX-512.
 *
 * <p>Each method is written out in full, with every vector local to it: a vector passed to or returned
 * from a method that the JIT does not inline is boxed, and the product then runs at scalar speed. The
 * tiles are too large to be inlined into their caller, and need not be: they take only arrays and ints.
 * All tiles do the same fused multiply-adds in the same order for an element of C, so which one
 * computes it never changes the result.
 */
final class VectorMicroKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of C per tile. */
    static final int MR = 6;
    /** Columns of C per tile: four vectors. */
    static final int NR = 4 * L;

    private VectorMicroKernels() {
    }

    /** Six rows by four vectors: every tile but those of a last panel at most one vector wide. */
    static void tile6x4(float[] a, int ai, int aStep, float[] b, int bi, int bStep, int kc,
                        float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c42 = FloatVector.zero(S);
        FloatVector c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        FloatVector c52 = FloatVector.zero(S);
        FloatVector c53 = FloatVector.zero(S);
        for (int s = 0; s < kc; s++, ai += aStep, bi += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c02.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c03.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c10.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c11.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c12.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c13.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c20.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c21.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c22.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c23.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c30.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c31.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c32.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c33.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c41.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c42.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c43.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c51.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c52.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c53.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
    }

    /** Six rows by one vector, for a last panel at most one vector wide (ten classes, say). */
    static void tile6x1(float[] a, int ai, int aStep, float[] b, int bi, int bStep, int kc,
                        float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        for (int s = 0; s < kc; s++, ai += aStep, bi += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c10.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c20.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c30.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
    }

    /** {@link #tile6x4} for rows {@code aRow} apart: an untransposed A read in place. */
    static void tile6x4Rows(float[] a, int ai, int aRow, int aStep, float[] b, int bi, int bStep, int kc,
                        float[] c, int ci, int ldc) {
        int a2 = 2 * aRow;
        int a3 = 3 * aRow;
        int a4 = 4 * aRow;
        int a5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c42 = FloatVector.zero(S);
        FloatVector c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        FloatVector c52 = FloatVector.zero(S);
        FloatVector c53 = FloatVector.zero(S);
        for (int s = 0; s < kc; s++, ai += aStep, bi += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ai + aRow]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ai + a4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ai + a5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c02.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c03.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c10.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c11.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c12.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c13.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c20.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c21.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c22.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c23.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c30.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c31.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c32.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c33.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c41.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c42.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c43.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        ci += ldc;
        c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c51.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c52.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c53.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
    }

    /** {@link #tile6x1} for rows {@code aRow} apart: an untransposed A read in place. */
    static void tile6x1Rows(float[] a, int ai, int aRow, int aStep, float[] b, int bi, int bStep, int kc,
                        float[] c, int ci, int ldc) {
        int a2 = 2 * aRow;
        int a3 = 3 * aRow;
        int a4 = 4 * aRow;
        int a5 = 5 * aRow;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        for (int s = 0; s < kc; s++, ai += aStep, bi += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[ai + aRow]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(S, a[ai + a4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(S, a[ai + a5]);
            c50 = x.fma(b0, c50);
        }
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c10.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c20.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c30.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c40.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        ci += ldc;
        c50.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
    }
}
