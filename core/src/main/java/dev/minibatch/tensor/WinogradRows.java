package dev.minibatch.tensor;

/**
 * {@link Winograd}'s four transforms down the columns, in plain Java, for columns [from, n): each combines whole
 * rows, {@code src[srcOff + rows[k] + i]}, into rows {@code dst[dstOff + r·dstStride + i]}. The matrices' rows
 * share their sums and differences of pairs (rows 1 and 2, 3 and 4, 5 and 6), so a column takes 20-30 operations
 * for its eight outputs where the matrix products took 64 multiply-adds, and no product by a zero coefficient is
 * formed. {@link VectorWinogradRows} does the same operations in the same order, for the same bits; where a step
 * is a fused multiply-add, both fuse it.
 */
final class WinogradRows {
    private WinogradRows() {
    }

    /** The input transform, eight rows to eight points: {@code v = BT·d}. */
    static void input(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int from, int n) {
        for (int i = from; i < n; i++) {
            float d0 = src[srcOff + rows[0] + i];
            float d1 = src[srcOff + rows[1] + i];
            float d2 = src[srcOff + rows[2] + i];
            float d3 = src[srcOff + rows[3] + i];
            float d4 = src[srcOff + rows[4] + i];
            float d5 = src[srcOff + rows[5] + i];
            float d6 = src[srcOff + rows[6] + i];
            float d7 = src[srcOff + rows[7] + i];
            float a = Math.fma(d4, -4.25f, d2 + d6);
            float b = Math.fma(d3, -4.25f, d1 + d5);
            float c = Math.fma(d4, -5f, Math.fma(d6, 4f, d2));
            float e = Math.fma(d3, -5f, Math.fma(d5, 4f, d1)) * 2f;
            float f = Math.fma(d4, -5f, Math.fma(d2, 4f, d6)) * 2f;
            float h = Math.fma(d3, -5f, Math.fma(d1, 4f, d5));
            int to = dstOff + i;
            dst[to] = Math.fma(d4 - d2, 5.25f, d0 - d6);
            dst[to + dstStride] = -(a + b);
            dst[to + 2 * dstStride] = b - a;
            dst[to + 3 * dstStride] = c + e;
            dst[to + 4 * dstStride] = c - e;
            dst[to + 5 * dstStride] = f + h;
            dst[to + 6 * dstStride] = f - h;
            dst[to + 7 * dstStride] = Math.fma(d3 - d5, 5.25f, d7 - d1);
        }
    }

    /** The output transform, eight points to four rows: {@code out = AT·m}. */
    static void output(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int from, int n) {
        for (int i = from; i < n; i++) {
            float m1 = src[srcOff + rows[1] + i];
            float m2 = src[srcOff + rows[2] + i];
            float m3 = src[srcOff + rows[3] + i];
            float m4 = src[srcOff + rows[4] + i];
            float m5 = src[srcOff + rows[5] + i];
            float m6 = src[srcOff + rows[6] + i];
            float s12 = m1 + m2;
            float d12 = m1 - m2;
            float s34 = m3 + m4;
            float d34 = m3 - m4;
            float s56 = m5 + m6;
            float d56 = m5 - m6;
            int to = dstOff + i;
            dst[to] = src[srcOff + rows[0] + i] + s12 + s34 + s56;
            dst[to + dstStride] = Math.fma(d56, 0.5f, Math.fma(d34, 2f, d12));
            dst[to + 2 * dstStride] = Math.fma(s56, 0.25f, Math.fma(s34, 4f, s12));
            dst[to + 3 * dstStride] = Math.fma(d56, 0.125f, Math.fma(d34, 8f, d12)) + src[srcOff + rows[7] + i];
        }
    }

    /** The output gradient's transform, four rows to eight points: {@code dm = ATᵀ·g}. */
    static void outputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int from,
                           int n) {
        for (int i = from; i < n; i++) {
            float g0 = src[srcOff + rows[0] + i];
            float g1 = src[srcOff + rows[1] + i];
            float g2 = src[srcOff + rows[2] + i];
            float g3 = src[srcOff + rows[3] + i];
            float e1 = g0 + g2;
            float o1 = g1 + g3;
            float e2 = Math.fma(g2, 4f, g0);
            float o2 = Math.fma(g3, 4f, g1) * 2f;
            float e3 = Math.fma(g2, 0.25f, g0);
            float o3 = Math.fma(g3, 0.25f, g1) * 0.5f;
            int to = dstOff + i;
            dst[to] = g0;
            dst[to + dstStride] = e1 + o1;
            dst[to + 2 * dstStride] = e1 - o1;
            dst[to + 3 * dstStride] = e2 + o2;
            dst[to + 4 * dstStride] = e2 - o2;
            dst[to + 5 * dstStride] = e3 + o3;
            dst[to + 6 * dstStride] = e3 - o3;
            dst[to + 7 * dstStride] = g3;
        }
    }

    /**
     * The input gradient's transform, eight points to a tile's eight rows, {@code BTᵀ·dv}: its first four rows
     * written, or ({@code last}) its last four added to what is there (the next tile's first four).
     */
    static void inputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, boolean last,
                          int from, int n) {
        for (int i = from; i < n; i++) {
            float v0 = src[srcOff + rows[0] + i];
            float v1 = src[srcOff + rows[1] + i];
            float v2 = src[srcOff + rows[2] + i];
            float v3 = src[srcOff + rows[3] + i];
            float v4 = src[srcOff + rows[4] + i];
            float v5 = src[srcOff + rows[5] + i];
            float v6 = src[srcOff + rows[6] + i];
            float v7 = src[srcOff + rows[7] + i];
            float s12 = v1 + v2;
            float d21 = v2 - v1;
            float s34 = v3 + v4;
            float d34 = v3 - v4;
            float s56 = v5 + v6;
            float d56 = v5 - v6;
            int to = dstOff + i;
            if (!last) {
                dst[to] = v0;
                dst[to + dstStride] = Math.fma(d56, 4f, Math.fma(d34, 2f, d21)) - v7;
                dst[to + 2 * dstStride] = Math.fma(v0, -5.25f, Math.fma(s56, 8f, s34 - s12));
                dst[to + 3 * dstStride] = Math.fma(v7, 5.25f, Math.fma(d56, -5f, Math.fma(d34, -10f, d21 * -4.25f)));
            } else {
                dst[to] += Math.fma(v0, 5.25f, Math.fma(s56, -10f, Math.fma(s34, -5f, s12 * 4.25f)));
                dst[to + dstStride] += Math.fma(v7, -5.25f, Math.fma(d34, 8f, d21) + d56);
                dst[to + 2 * dstStride] += Math.fma(s56, 2f, Math.fma(s34, 4f, -s12)) - v0;
                dst[to + 3 * dstStride] += v7;
            }
        }
    }
}
