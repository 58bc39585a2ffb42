package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * Matrix multiply in plain Java, for JVMs without the Vector API. The inner loop is
 * {@code acc[j] = fma(a, row[j], acc[j])} over arrays that all start at index 0: C2 vectorises that, but not
 * the same loop over a shared array with different row offsets, which runs four to eight times slower. So
 * op(B) is first copied into zero-offset rows, a block of columns at a time, and each row of C is summed in
 * a zero-offset accumulator before being added to C.
 *
 * <p>Each element of C is the same chain of fused multiply-adds as in {@code VectorGemm}: over k in slices of
 * {@link Gemms#KC}, each slice summed from zero in order and then added to C (zeroed first unless
 * accumulating). So a product gives the same bits with or without the Vector API module (on a Spark
 * executor started without it, say).
 */
final class PlainGemm {
    /** Columns per block: one row of the block is 1 KB, and k of them stay in L2. */
    private static final int NB = 256;
    /** Most rows of C per task. */
    private static final int MB = 64;
    /** Below this many multiply-adds a second thread does not pay (1.2-1.5x from 2 million, on two cores). */
    static final long PARALLEL_MACS = 1_500_000L;

    private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[0][]);

    private PlainGemm() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (Gemms.degenerate(m, n, k, c, cOff, accumulate)) {
            return;
        }
        int colBlocks = (n + NB - 1) / NB;
        int rowBlocks = (m + MB - 1) / MB;
        // Blocks of equal size, so that threads get equal shares: 100 rows are 2 x 50, not 64 + 36.
        int blockRows = (m + rowBlocks - 1) / rowBlocks;
        float[][] rows = scratch(colBlocks * k);
        boolean parallel = (long) m * n * k >= PARALLEL_MACS;
        Gemms.run(parallel, colBlocks, cb -> pack(cb, transB, n, k, b, bOff, rows));
        Gemms.run(parallel, rowBlocks * colBlocks, t -> {
            int i0 = t / colBlocks * blockRows;
            int cb = t % colBlocks;
            block(i0, Math.min(m, i0 + blockRows), cb, transA, m, n, k, a, aOff, rows, c, cOff, accumulate);
        });
    }

    /** Rows {@code cb·k ..} of {@code rows} get op(B)[p, NB·cb ..], each starting at index 0. */
    private static void pack(int cb, boolean transB, int n, int k, float[] b, int bOff, float[][] rows) {
        int j0 = cb * NB;
        int w = Math.min(NB, n - j0);
        for (int p = 0; p < k; p++) {
            float[] row = rows[cb * k + p];
            if (transB) {
                for (int j = 0; j < w; j++) {
                    row[j] = b[bOff + (j0 + j) * k + p];
                }
            } else {
                System.arraycopy(b, bOff + p * n + j0, row, 0, w);
            }
        }
    }

    /**
     * Rows {@code i0 .. i1} of C in column block {@code cb}, four rows per pass over op(B), over k in slices of
     * {@link Gemms#KC}: each slice's sum starts at zero and is then added to C, as in {@code VectorGemm}.
     */
    private static void block(int i0, int i1, int cb, boolean transA, int m, int n, int k, float[] a, int aOff,
                              float[][] rows, float[] c, int cOff, boolean accumulate) {
        int j0 = cb * NB;
        int w = Math.min(NB, n - j0);
        if (!accumulate) {
            for (int i = i0; i < i1; i++) {
                Arrays.fill(c, cOff + i * n + j0, cOff + i * n + j0 + w, 0f);
            }
        }
        float[] s0 = new float[w];
        float[] s1 = new float[w];
        float[] s2 = new float[w];
        float[] s3 = new float[w];
        for (int pc = 0; pc < k; pc += Gemms.KC) {
            int p1 = Math.min(k, pc + Gemms.KC);
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                Arrays.fill(s0, 0f);
                Arrays.fill(s1, 0f);
                Arrays.fill(s2, 0f);
                Arrays.fill(s3, 0f);
                for (int p = pc; p < p1; p++) {
                    float a0 = at(a, aOff, transA, m, k, i, p);
                    float a1 = at(a, aOff, transA, m, k, i + 1, p);
                    float a2 = at(a, aOff, transA, m, k, i + 2, p);
                    float a3 = at(a, aOff, transA, m, k, i + 3, p);
                    float[] row = rows[cb * k + p];
                    for (int j = 0; j < w; j++) {
                        float bj = row[j];
                        s0[j] = Math.fma(a0, bj, s0[j]);
                        s1[j] = Math.fma(a1, bj, s1[j]);
                        s2[j] = Math.fma(a2, bj, s2[j]);
                        s3[j] = Math.fma(a3, bj, s3[j]);
                    }
                }
                addTo(s0, w, c, cOff + i * n + j0);
                addTo(s1, w, c, cOff + (i + 1) * n + j0);
                addTo(s2, w, c, cOff + (i + 2) * n + j0);
                addTo(s3, w, c, cOff + (i + 3) * n + j0);
            }
            for (; i < i1; i++) {
                Arrays.fill(s0, 0f);
                for (int p = pc; p < p1; p++) {
                    float a0 = at(a, aOff, transA, m, k, i, p);
                    float[] row = rows[cb * k + p];
                    for (int j = 0; j < w; j++) {
                        s0[j] = Math.fma(a0, row[j], s0[j]);
                    }
                }
                addTo(s0, w, c, cOff + i * n + j0);
            }
        }
    }

    /** op(A)[i, p]. */
    private static float at(float[] a, int aOff, boolean transA, int m, int k, int i, int p) {
        return transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
    }

    /** {@code c[o + j] = s[j] + c[o + j]}: the slice's sum first, as the vector tiles add it. */
    private static void addTo(float[] s, int w, float[] c, int o) {
        for (int j = 0; j < w; j++) {
            c[o + j] = s[j] + c[o + j];
        }
    }

    /** At least {@code count} rows of {@link #NB} floats, reused by the calling thread. */
    private static float[][] scratch(int count) {
        float[][] r = ROWS.get();
        if (r.length < count) {
            float[][] grown = Arrays.copyOf(r, count);
            for (int i = r.length; i < count; i++) {
                grown[i] = new float[NB];
            }
            ROWS.set(grown);
            r = grown;
        }
        return r;
    }
}
