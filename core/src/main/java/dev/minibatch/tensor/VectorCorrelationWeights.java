package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

import static dev.minibatch.tensor.VectorMicroKernels.L;
import static dev.minibatch.tensor.VectorMicroKernels.S;

/**
 * {@link Kernels#correlateWeights} on the Vector API: dot products with positions across the lanes, in tiles
 * of four output channels by five taps (20 accumulators; per vector of positions, nine loads for 20
 * multiply-adds), then by four, each tile summing over all the images of the run before its lanes are added up,
 * so that the sums across lanes, which cost as much as a few vectors of multiply-adds, are paid once per run.
 * Taps past the last whole tile go four channels at a time, channels past the last four one dot product
 * at a time.
 *
 * <p>Each sum is in an order fixed by the sizes alone: lanes by image and position in order, then the
 * lanes by halves ({@link #sumLanes}). The images and positions are one flat loop: with a loop over the
 * positions inside one over the images, C2 (JDK 17) kept the accumulators boxed and the tile ran at 2
 * GFLOP/s.
 */
final class VectorCorrelationWeights {
    private static final int TILE = 4;
    /** Taps per tile of {@link #tile4x5}: a 5x5 kernel's 25 in five tiles, none left to the one-tap tiles. */
    private static final int ROW = 5;
    /** The tiles' widths in taps, widest first; the taps past them go one at a time. */
    private static final int[] WIDTHS = {ROW, TILE};
    /** Per halving of the lanes (h = L/2, L/4, ...): the lanes whose bit h is set, and lane l to l ^ h. */
    private static final VectorMask<Float>[] UPPER = upperHalves();
    private static final VectorShuffle<Float>[] SWAP = swaps();

    private VectorCorrelationWeights() {
    }

    static void correlateWeights(float[] g, int gOff, int ldg, int gImage, int n, float[] in, int inOff, int inImage,
                                 int[] taps, int span, int images, float[] dw, int dwOff, int ldw, boolean accumulate) {
        int whole = span / L * L;
        float[] lanes = new float[TILE * ROW * L];
        int k = taps.length;
        int o = 0;
        for (; o + TILE <= n; o += TILE) {
            int t = 0;
            for (int width : WIDTHS) {
                for (; t + width <= k; t += width) {
                    if (width == ROW) {
                        tile4x5(g, gOff + o * ldg, ldg, gImage, in, inOff, inImage, taps, t, whole, images, lanes);
                    } else {
                        tile4x4(g, gOff + o * ldg, ldg, gImage, in, inOff, inImage, taps, t, whole, images, lanes);
                    }
                    sumLanes(lanes);
                    for (int r = 0; r < TILE; r++) {
                        for (int j = 0; j < width; j++) {
                            int i = r * width + j;
                            float sum = i < TILE * TILE ? lanes[i] : laneSum(lanes, i);
                            float tail = tail(g, gOff + (o + r) * ldg, gImage, in, inOff + taps[t + j], inImage,
                                    whole, span, images);
                            put(dw, dwOff + (o + r) * ldw + t + j, sum + tail, accumulate);
                        }
                    }
                }
            }
            for (; t < k; t++) {
                tile4x1(g, gOff + o * ldg, ldg, gImage, in, inOff + taps[t], inImage, whole, images, lanes);
                for (int r = 0; r < TILE; r++) {
                    float tail = tail(g, gOff + (o + r) * ldg, gImage, in, inOff + taps[t], inImage, whole, span,
                            images);
                    put(dw, dwOff + (o + r) * ldw + t, laneSum(lanes, r) + tail, accumulate);
                }
            }
        }
        for (; o < n; o++) {
            for (int t = 0; t < k; t++) {
                put(dw, dwOff + o * ldw + t, dot(g, gOff + o * ldg, gImage, in, inOff + taps[t], inImage, whole,
                        span, images), accumulate);
            }
        }
    }

    /** The sum of the lanes of vector i in {@code lanes}, for those {@link #sumLanes} does not sum. */
    private static float laneSum(float[] lanes, int i) {
        return FloatVector.fromArray(S, lanes, i * L).reduceLanes(VectorOperators.ADD);
    }

    private static void put(float[] dw, int at, float v, boolean accumulate) {
        dw[at] = accumulate ? dw[at] + v : v;
    }

    /** The positions past the last whole vector, one at a time: callers that care give whole vectors. */
    private static float tail(float[] g, int go, int gImage, float[] in, int at, int inImage, int whole, int span,
                              int images) {
        float sum = 0;
        for (int i = 0; i < images && whole < span; i++) {
            for (int q = whole; q < span; q++) {
                sum = Math.fma(g[go + i * gImage + q], in[at + i * inImage + q], sum);
            }
        }
        return sum;
    }

    /**
     * Rows go..go+3 of g against taps t..t+3, over every image; the 16 accumulators, channel by channel, are
     * left in {@code lanes}, L floats each.
     */
    private static void tile4x4(float[] g, int go, int ldg, int gImage, float[] in, int inOff, int inImage, int[] taps,
                                int t, int whole, int images, float[] lanes) {
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
        int t0 = taps[t];
        int t1 = taps[t + 1];
        int t2 = taps[t + 2];
        int t3 = taps[t + 3];
        int gi = go;
        int ii = inOff;
        int q = 0;
        for (int step = 0, steps = images * (whole / L); step < steps; step++) {
            FloatVector g0 = FloatVector.fromArray(S, g, gi + q);
            FloatVector g1 = FloatVector.fromArray(S, g, gi + ldg + q);
            FloatVector g2 = FloatVector.fromArray(S, g, gi + 2 * ldg + q);
            FloatVector g3 = FloatVector.fromArray(S, g, gi + 3 * ldg + q);
            FloatVector x = FloatVector.fromArray(S, in, ii + t0 + q);
            c00 = g0.fma(x, c00);
            c10 = g1.fma(x, c10);
            c20 = g2.fma(x, c20);
            c30 = g3.fma(x, c30);
            x = FloatVector.fromArray(S, in, ii + t1 + q);
            c01 = g0.fma(x, c01);
            c11 = g1.fma(x, c11);
            c21 = g2.fma(x, c21);
            c31 = g3.fma(x, c31);
            x = FloatVector.fromArray(S, in, ii + t2 + q);
            c02 = g0.fma(x, c02);
            c12 = g1.fma(x, c12);
            c22 = g2.fma(x, c22);
            c32 = g3.fma(x, c32);
            x = FloatVector.fromArray(S, in, ii + t3 + q);
            c03 = g0.fma(x, c03);
            c13 = g1.fma(x, c13);
            c23 = g2.fma(x, c23);
            c33 = g3.fma(x, c33);
            q += L;
            if (q == whole) {
                q = 0;
                gi += gImage;
                ii += inImage;
            }
        }
        c00.intoArray(lanes, 0);
        c01.intoArray(lanes, L);
        c02.intoArray(lanes, 2 * L);
        c03.intoArray(lanes, 3 * L);
        c10.intoArray(lanes, 4 * L);
        c11.intoArray(lanes, 5 * L);
        c12.intoArray(lanes, 6 * L);
        c13.intoArray(lanes, 7 * L);
        c20.intoArray(lanes, 8 * L);
        c21.intoArray(lanes, 9 * L);
        c22.intoArray(lanes, 10 * L);
        c23.intoArray(lanes, 11 * L);
        c30.intoArray(lanes, 12 * L);
        c31.intoArray(lanes, 13 * L);
        c32.intoArray(lanes, 14 * L);
        c33.intoArray(lanes, 15 * L);
    }

    /**
     * Rows go..go+3 of g against taps t..t+4, over every image; the 20 accumulators, channel by channel, are left
     * in {@code lanes}, L floats each. Per vector of positions, nine loads for 20 multiply-adds.
     */
    private static void tile4x5(float[] g, int go, int ldg, int gImage, float[] in, int inOff, int inImage, int[] taps,
                                int t, int whole, int images, float[] lanes) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S);
        FloatVector c04 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c14 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        FloatVector c24 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c33 = FloatVector.zero(S);
        FloatVector c34 = FloatVector.zero(S);
        int t0 = taps[t];
        int t1 = taps[t + 1];
        int t2 = taps[t + 2];
        int t3 = taps[t + 3];
        int t4 = taps[t + 4];
        int gi = go;
        int ii = inOff;
        int q = 0;
        for (int step = 0, steps = images * (whole / L); step < steps; step++) {
            FloatVector g0 = FloatVector.fromArray(S, g, gi + q);
            FloatVector g1 = FloatVector.fromArray(S, g, gi + ldg + q);
            FloatVector g2 = FloatVector.fromArray(S, g, gi + 2 * ldg + q);
            FloatVector g3 = FloatVector.fromArray(S, g, gi + 3 * ldg + q);
            FloatVector x = FloatVector.fromArray(S, in, ii + t0 + q);
            c00 = g0.fma(x, c00);
            c10 = g1.fma(x, c10);
            c20 = g2.fma(x, c20);
            c30 = g3.fma(x, c30);
            x = FloatVector.fromArray(S, in, ii + t1 + q);
            c01 = g0.fma(x, c01);
            c11 = g1.fma(x, c11);
            c21 = g2.fma(x, c21);
            c31 = g3.fma(x, c31);
            x = FloatVector.fromArray(S, in, ii + t2 + q);
            c02 = g0.fma(x, c02);
            c12 = g1.fma(x, c12);
            c22 = g2.fma(x, c22);
            c32 = g3.fma(x, c32);
            x = FloatVector.fromArray(S, in, ii + t3 + q);
            c03 = g0.fma(x, c03);
            c13 = g1.fma(x, c13);
            c23 = g2.fma(x, c23);
            c33 = g3.fma(x, c33);
            x = FloatVector.fromArray(S, in, ii + t4 + q);
            c04 = g0.fma(x, c04);
            c14 = g1.fma(x, c14);
            c24 = g2.fma(x, c24);
            c34 = g3.fma(x, c34);
            q += L;
            if (q == whole) {
                q = 0;
                gi += gImage;
                ii += inImage;
            }
        }
        c00.intoArray(lanes, 0);
        c01.intoArray(lanes, L);
        c02.intoArray(lanes, 2 * L);
        c03.intoArray(lanes, 3 * L);
        c04.intoArray(lanes, 4 * L);
        c10.intoArray(lanes, 5 * L);
        c11.intoArray(lanes, 6 * L);
        c12.intoArray(lanes, 7 * L);
        c13.intoArray(lanes, 8 * L);
        c14.intoArray(lanes, 9 * L);
        c20.intoArray(lanes, 10 * L);
        c21.intoArray(lanes, 11 * L);
        c22.intoArray(lanes, 12 * L);
        c23.intoArray(lanes, 13 * L);
        c24.intoArray(lanes, 14 * L);
        c30.intoArray(lanes, 15 * L);
        c31.intoArray(lanes, 16 * L);
        c32.intoArray(lanes, 17 * L);
        c33.intoArray(lanes, 18 * L);
        c34.intoArray(lanes, 19 * L);
    }

    /** Rows go..go+3 of g against the one tap at {@code at}, over every image; the accumulators left in lanes. */
    private static void tile4x1(float[] g, int go, int ldg, int gImage, float[] in, int at, int inImage, int whole,
                                int images, float[] lanes) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        int gi = go;
        int ii = at;
        int q = 0;
        for (int step = 0, steps = images * (whole / L); step < steps; step++) {
            FloatVector x = FloatVector.fromArray(S, in, ii + q);
            c0 = FloatVector.fromArray(S, g, gi + q).fma(x, c0);
            c1 = FloatVector.fromArray(S, g, gi + ldg + q).fma(x, c1);
            c2 = FloatVector.fromArray(S, g, gi + 2 * ldg + q).fma(x, c2);
            c3 = FloatVector.fromArray(S, g, gi + 3 * ldg + q).fma(x, c3);
            q += L;
            if (q == whole) {
                q = 0;
                gi += gImage;
                ii += inImage;
            }
        }
        c0.intoArray(lanes, 0);
        c1.intoArray(lanes, L);
        c2.intoArray(lanes, 2 * L);
        c3.intoArray(lanes, 3 * L);
    }

    /** One row of g against one tap, over every image. */
    private static float dot(float[] g, int go, int gImage, float[] in, int at, int inImage, int whole, int span,
                             int images) {
        FloatVector acc = FloatVector.zero(S);
        int gi = go;
        int ii = at;
        int q = 0;
        for (int step = 0, steps = images * (whole / L); step < steps; step++) {
            acc = FloatVector.fromArray(S, g, gi + q).fma(FloatVector.fromArray(S, in, ii + q), acc);
            q += L;
            if (q == whole) {
                q = 0;
                gi += gImage;
                ii += inImage;
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail(g, go, gImage, in, at, inImage, whole, span, images);
    }

    /**
     * Replaces the 16 vectors in {@code lanes} by their sums, in order, at {@code lanes[0..15]}. With 16 lanes,
     * by halves: each step adds the upper half of one vector's lanes to its lower half, and the lower half of
     * another's to its upper half, in one vector, so that four steps sum all 16 at once; the lanes' sums of
     * 16 vectors cost 15 such steps where one sum across a vector takes about as many instructions.
     */
    private static void sumLanes(float[] lanes) {
        if (L != TILE * TILE) {
            for (int i = 0; i < TILE * TILE; i++) {
                lanes[i] = FloatVector.fromArray(S, lanes, i * L).reduceLanes(VectorOperators.ADD);
            }
            return;
        }
        for (int level = 0, count = L; count > 1; level++, count /= 2) {
            VectorMask<Float> upper = UPPER[level];
            VectorShuffle<Float> swap = SWAP[level];
            for (int j = 0; j < count / 2; j++) {
                FloatVector a = FloatVector.fromArray(S, lanes, j * L);
                FloatVector b = FloatVector.fromArray(S, lanes, (j + count / 2) * L);
                a.blend(b, upper).add(b.blend(a, upper).rearrange(swap)).intoArray(lanes, j * L);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] upperHalves() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorMask<Float>[] masks = new VectorMask[levels];
        for (int level = 0; level < levels; level++) {
            boolean[] bits = new boolean[L];
            for (int l = 0; l < L; l++) {
                bits[l] = (l & (L >> (level + 1))) != 0;
            }
            masks[level] = VectorMask.fromArray(S, bits, 0);
        }
        return masks;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swaps() {
        int levels = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] shuffles = new VectorShuffle[levels];
        for (int level = 0; level < levels; level++) {
            int h = L >> (level + 1);
            shuffles[level] = VectorShuffle.fromOp(S, l -> l ^ h);
        }
        return shuffles;
    }
}
