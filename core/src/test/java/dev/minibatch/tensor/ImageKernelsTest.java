package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The image kernels in both kernel sets. The direct convolution's, {@link Kernels#correlate} and
 * {@link Kernels#correlateWeights}, against double-precision sums: sizes around the vector tiles (8 channels
 * by 3 vectors; 4 by 4), runs of positions with and without a last partial vector, offsets and leading
 * dimensions past the sizes; {@link Kernels#correlateWeightsRows} also bit for bit between the kernel sets, and
 * {@link Kernels#sumPlanes}. Winograd's transforms ({@link Kernels#winogradInput} and the three others) against
 * their matrices, and bit for bit between the kernel sets.
 * {@link Kernels#maxPool2x2} against the first maximum by definition, bit for bit, and its backward
 * {@link Kernels#maxPool2x2Backward} against its definition; {@link Kernels#maxPool2x2Rows} and its backward
 * against those two through the same windows' corners.
 */
class ImageKernelsTest {
    private static final List<Kernels> BOTH = List.of(new PlainKernels(), new VectorKernels());
    private static final int IN_OFF = 3;
    private static final int W_OFF = 2;
    private static final int OUT_OFF = 5;
    private static final float SENTINEL = 12345f;

    private final Random random = new Random(3);

    @Test
    void correlateSumsEveryTapsRunOfTheInput() {
        for (Kernels kern : BOTH) {
            for (int n : new int[] {1, 7, 8, 9, 17}) {
                for (int span : new int[] {1, 15, 16, 47, 48, 49, 64, 80, 100}) {
                    int[] taps = taps(7);
                    int ldw = n + 3;
                    int ldo = span + 2;
                    float[] in = randoms(IN_OFF + 60 + span);
                    float[] w = randoms(W_OFF + taps.length * ldw);
                    float[] out = filled(OUT_OFF + n * ldo);
                    float[] expected = out.clone();
                    for (int o = 0; o < n; o++) {
                        for (int q = 0; q < span; q++) {
                            double sum = 0;
                            for (int t = 0; t < taps.length; t++) {
                                sum += (double) w[W_OFF + t * ldw + o] * in[IN_OFF + taps[t] + q];
                            }
                            expected[OUT_OFF + o * ldo + q] = (float) sum;
                        }
                    }
                    kern.correlate(in, IN_OFF, taps, w, W_OFF, ldw, n, span, out, OUT_OFF, ldo);
                    assertArrayEquals(expected, out, 1e-5f, kern.name() + " n=" + n + " span=" + span);
                }
            }
        }
    }

    /** Winograd F(4, 5)'s matrices (points 0, ±1, ±2, ±1/2, infinity; BT's rows scaled to dyadic numbers). */
    private static final double[][] AT = {
        {1, 1, 1, 1, 1, 1, 1, 0},
        {0, 1, -1, 2, -2, 0.5, -0.5, 0},
        {0, 1, 1, 4, 4, 0.25, 0.25, 0},
        {0, 1, -1, 8, -8, 0.125, -0.125, 1},
    };
    private static final double[][] BT = {
        {1, 0, -5.25, 0, 5.25, 0, -1, 0},
        {0, -1, -1, 4.25, 4.25, -1, -1, 0},
        {0, 1, -1, -4.25, 4.25, 1, -1, 0},
        {0, 2, 1, -10, -5, 8, 4, 0},
        {0, -2, 1, 10, -5, -8, 4, 0},
        {0, 4, 8, -5, -10, 1, 2, 0},
        {0, -4, 8, 5, -10, -1, 2, 0},
        {0, -1, 0, 5.25, 0, -5.25, 0, 1},
    };

    /** What a kernel set computes for one of the Winograd transforms. */
    private interface Transform {
        void apply(Kernels kern, float[] src, int[] rows, float[] dst, int ld, int n);
    }

    /** A transform, its matrix, and whether it adds to dst rather than writing. */
    private record TransformCase(String name, double[][] matrix, boolean adds, Transform transform) {
    }

    @Test
    void winogradTransformsAreTheirMatricesInBothKernelSetsWithTheSameBits() {
        // Columns past the last whole vector; inputs in rows out of order and past an offset; each output row
        // against its matrix row summed in double, and the two kernel sets bit for bit, NaN and infinities too.
        double[][] btT = transpose(BT);
        List<TransformCase> cases = List.of(
                new TransformCase("input", BT, false, (k, src, rows, dst, ld, n) ->
                        k.winogradInput(src, IN_OFF, rows, dst, OUT_OFF, ld, n)),
                new TransformCase("output", AT, false, (k, src, rows, dst, ld, n) ->
                        k.winogradOutput(src, IN_OFF, rows, dst, OUT_OFF, ld, n)),
                new TransformCase("outputGrad", transpose(AT), false, (k, src, rows, dst, ld, n) ->
                        k.winogradOutputGrad(src, IN_OFF, rows, dst, OUT_OFF, ld, n)),
                new TransformCase("inputGrad first", Arrays.copyOfRange(btT, 0, 4), false, (k, src, rows, dst, ld, n) ->
                        k.winogradInputGrad(src, IN_OFF, rows, dst, OUT_OFF, ld, n, false)),
                new TransformCase("inputGrad last", Arrays.copyOfRange(btT, 4, 8), true, (k, src, rows, dst, ld, n) ->
                        k.winogradInputGrad(src, IN_OFF, rows, dst, OUT_OFF, ld, n, true)));
        for (TransformCase c : cases) {
            for (int n : new int[] {1, 15, 16, 17, 64, 100}) {
                checkTransform(c, n);
            }
        }
    }

    private void checkTransform(TransformCase c, int n) {
        double[][] matrix = c.matrix();
        int inputs = matrix[0].length;
        int ld = n + 4;
        int[] rows = new int[inputs];
        for (int k = 0; k < inputs; k++) {
            rows[k] = (k * 3) % inputs * (n + 3) + k % 2;
        }
        float[] src = randoms(IN_OFF + inputs * (n + 3) + 2);
        float[] before = randoms(OUT_OFF + matrix.length * ld);
        float[] dst = before.clone();
        c.transform().apply(new VectorKernels(), src, rows, dst, ld, n);
        for (int r = 0; r < matrix.length; r++) {
            for (int i = 0; i < n; i++) {
                int at = OUT_OFF + r * ld + i;
                double sum = c.adds() ? before[at] : 0;
                for (int k = 0; k < inputs; k++) {
                    sum += matrix[r][k] * src[IN_OFF + rows[k] + i];
                }
                assertEquals(sum, dst[at], 1e-5, c.name() + " n=" + n + " row " + r + " column " + i);
            }
        }
        assertEquals(before[OUT_OFF - 1], dst[OUT_OFF - 1], c.name() + ": nothing written before dst");
        float[] special = specials(src.length);
        float[] plain = before.clone();
        float[] vector = before.clone();
        c.transform().apply(new PlainKernels(), special, rows, plain, ld, n);
        c.transform().apply(new VectorKernels(), special, rows, vector, ld, n);
        assertArrayEquals(plain, vector, c.name() + " n=" + n + ": the kernel sets' bits");
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m[0].length; c++) {
                t[c][r] = m[r][c];
            }
        }
        return t;
    }

    @Test
    void correlateWeightsSumsOverImagesAndPositions() {
        for (Kernels kern : BOTH) {
            for (int n : new int[] {1, 3, 4, 5, 9}) {
                for (int k : new int[] {1, 4, 5, 9}) {
                    for (int span : new int[] {1, 15, 16, 17, 48}) {
                        for (int images : new int[] {1, 3}) {
                            for (boolean accumulate : new boolean[] {false, true}) {
                                checkWeights(kern, n, k, span, images, accumulate);
                            }
                        }
                    }
                }
            }
        }
    }

    private void checkWeights(Kernels kern, int n, int k, int span, int images, boolean accumulate) {
        int[] taps = taps(k);
        int ldg = span + 1;
        int gImage = n * ldg + 2;
        int inImage = 60 + span + 4;
        int ldw = k + 2;
        float[] g = randoms(W_OFF + images * gImage);
        float[] in = randoms(IN_OFF + images * inImage);
        float[] dw = accumulate ? randoms(OUT_OFF + n * ldw) : filled(OUT_OFF + n * ldw);
        float[] expected = dw.clone();
        for (int o = 0; o < n; o++) {
            for (int t = 0; t < k; t++) {
                int at = OUT_OFF + o * ldw + t;
                double sum = accumulate ? dw[at] : 0;
                for (int i = 0; i < images; i++) {
                    for (int q = 0; q < span; q++) {
                        sum += (double) g[W_OFF + i * gImage + o * ldg + q] * in[IN_OFF + i * inImage + taps[t] + q];
                    }
                }
                expected[at] = (float) sum;
            }
        }
        kern.correlateWeights(g, W_OFF, ldg, gImage, n, in, IN_OFF, inImage, taps, span, images, dw, OUT_OFF, ldw,
                accumulate);
        assertArrayEquals(expected, dw, 1e-4f, kern.name() + " n=" + n + " k=" + k + " span=" + span + " images="
                + images + " accumulate=" + accumulate);
    }

    @Test
    void correlateWeightsRowsSumsEachRowsTapsOverThePositionsWithTheSameBitsInBothKernelSets() {
        // Rows of 5 (the shifting tiles) and of 3 and 1; channels in pairs of vectors, one more vector, a partial
        // one; spans that are and are not multiples of the tiles' steps; written or added to dw.
        for (int width : new int[] {5, 3, 1}) {
            for (int n : new int[] {1, 16, 32, 40, 64}) {
                for (int span : new int[] {1, 4, 5, 17, 48}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        checkRows(width, n, span, accumulate);
                    }
                }
            }
        }
    }

    private void checkRows(int width, int n, int span, boolean accumulate) {
        int[] rows = taps(3);
        int ldg = n + 3;
        int ldw = n + 2;
        float[] in = randoms(IN_OFF + 60 + span + width);
        float[] g = randoms(W_OFF + span * ldg);
        int size = OUT_OFF + rows.length * width * ldw;
        float[] dw = accumulate ? randoms(size) : filled(size);
        float[] expected = dw.clone();
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < width; j++) {
                for (int o = 0; o < n; o++) {
                    int at = OUT_OFF + (r * width + j) * ldw + o;
                    double sum = 0;
                    for (int q = 0; q < span; q++) {
                        sum += (double) in[IN_OFF + rows[r] + j + q] * g[W_OFF + q * ldg + o];
                    }
                    expected[at] = (float) ((accumulate ? dw[at] : 0) + sum);
                }
            }
        }
        String name = "width=" + width + " n=" + n + " span=" + span + " accumulate=" + accumulate;
        float[][] results = new float[BOTH.size()][];
        for (int i = 0; i < BOTH.size(); i++) {
            results[i] = dw.clone();
            BOTH.get(i).correlateWeightsRows(in, IN_OFF, rows, width, g, W_OFF, ldg, n, span, results[i], OUT_OFF,
                    ldw, accumulate);
            assertArrayEquals(expected, results[i], 1e-4f, BOTH.get(i).name() + " " + name);
        }
        for (int i = 0; i < results[0].length; i++) {
            assertEquals(Float.floatToRawIntBits(results[0][i]), Float.floatToRawIntBits(results[1][i]),
                    name + ": the kernel sets differ at " + i);
        }
    }

    @Test
    void sumPlanesAddsEachPlanesSum() {
        // Planes shorter than a vector, of whole vectors (one, two, three), and with a partial last one.
        for (Kernels kern : BOTH) {
            for (int plane : new int[] {1, 15, 16, 32, 48, 49, 196, 784}) {
                int planes = 3;
                float[] a = randoms(IN_OFF + planes * plane + 5);
                double[] sums = {7, 0.5, -2, 4, 9};
                double[] expected = sums.clone();
                for (int p = 0; p < planes; p++) {
                    for (int i = 0; i < plane; i++) {
                        expected[1 + p] += a[IN_OFF + p * plane + i];
                    }
                }
                kern.sumPlanes(a, IN_OFF, planes, plane, sums, 1);
                assertArrayEquals(expected, sums, 1e-5, kern.name() + " plane=" + plane);
            }
        }
    }

    @Test
    void maxPool2x2KeepsTheFirstMaximumAndNaNInBothKernelSets() {
        // A plane 6 wide: ties, both zeros, infinities and NaNs among the values, 37 windows (two whole vectors
        // of 16 and a tail), and corners read past an offset.
        float[] specials = {0f, -0f, 1f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f};
        int w = 6;
        int count = 37;
        float[] x = new float[IN_OFF + 2 * count * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(3) == 0 ? specials[random.nextInt(specials.length)] : random.nextInt(5) - 2;
        }
        int[] corners = new int[count];
        for (int j = 0; j < count; j++) {
            corners[j] = j / 3 * 2 * w + j % 3 * 2;
        }
        for (Kernels kern : BOTH) {
            float[] out = filled(OUT_OFF + count);
            int[] argmax = new int[OUT_OFF + count];
            kern.maxPool2x2(x, IN_OFF, w, corners, count, out, argmax, OUT_OFF);
            for (int j = 0; j < count; j++) {
                int first = firstMaximum(x, IN_OFF + corners[j], w);
                assertEquals(first, argmax[OUT_OFF + j], kern.name() + " window " + j);
                assertEquals(Float.floatToRawIntBits(x[first]), Float.floatToRawIntBits(out[OUT_OFF + j]),
                        kern.name() + " window " + j);
            }
            assertEquals(SENTINEL, out[OUT_OFF - 1], kern.name());
        }
    }

    @Test
    void maxPool2x2BackwardWritesEachWindowsFourElementsInBothKernelSets() {
        // The pooled gradient where the window's maximum is, if that maximum is above zero (a NaN, a zero, a
        // negative zero or a negative maximum gives zeros), as 0 + g (so a gradient of -0 lands as +0); zero at
        // the three other elements. 37 windows: two whole vectors and a tail, past offsets in every array.
        float[] specials = {0f, -0f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -1f};
        int w = 6;
        int count = 37;
        int[] corners = new int[count];
        int[] argmax = new int[OUT_OFF + count];
        float[] values = new float[OUT_OFF + count];
        float[] gOut = randoms(OUT_OFF + count);
        for (int j = 0; j < count; j++) {
            corners[j] = j / 3 * 2 * w + j % 3 * 2;
            argmax[OUT_OFF + j] = corners[j] + new int[] {0, 1, w, w + 1}[random.nextInt(4)];
            values[OUT_OFF + j] = random.nextInt(2) == 0 ? specials[random.nextInt(specials.length)]
                    : random.nextFloat() - 0.5f;
            gOut[OUT_OFF + j] = random.nextInt(5) == 0 ? -0f : gOut[OUT_OFF + j];
        }
        for (Kernels kern : BOTH) {
            float[] g = filled(IN_OFF + 2 * count * w);
            kern.maxPool2x2Backward(gOut, values, argmax, OUT_OFF, corners, count, w, g, IN_OFF);
            for (int j = 0; j < count; j++) {
                for (int d : new int[] {0, 1, w, w + 1}) {
                    int at = corners[j] + d;
                    boolean passes = at == argmax[OUT_OFF + j] && values[OUT_OFF + j] > 0f;
                    float expected = passes ? 0f + gOut[OUT_OFF + j] : 0f;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(g[IN_OFF + at]),
                            kern.name() + " window " + j + " element " + d);
                }
            }
            assertEquals(SENTINEL, g[IN_OFF - 1], kern.name());
            assertEquals(SENTINEL, g[g.length - 1], kern.name() + ": rows past the last window's are not written");
        }
    }

    @Test
    void maxPool2x2RowsGivesTheCornersKernelsWindowsInBothKernelSets() {
        // Pairs of rows w wide, in place, against maxPool2x2 through the same windows' corners: rows of one and
        // of two vectors and wider (the plain kernel's), few pairs (all through the tail) and many, specials.
        float[] specials = {0f, -0f, 1f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f};
        for (int w : new int[] {2, 4, 6, 14, 16, 18, 28, 32, 34}) {
            for (int pairs : new int[] {1, 3, 29}) {
                int half = w / 2;
                float[] x = new float[IN_OFF + 2 * w * pairs];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextInt(3) == 0 ? specials[random.nextInt(specials.length)] : random.nextInt(5) - 2;
                }
                int[] corners = rowCorners(w, pairs);
                float[] expected = filled(OUT_OFF + pairs * half + 2);
                int[] expectedAt = new int[expected.length];
                new PlainKernels().maxPool2x2(x, IN_OFF, w, corners, corners.length, expected, expectedAt, OUT_OFF);
                for (Kernels kern : BOTH) {
                    float[] out = filled(expected.length);
                    int[] argmax = new int[expected.length];
                    kern.maxPool2x2Rows(x, IN_OFF, w, pairs, out, argmax, OUT_OFF);
                    String where = kern.name() + " w=" + w + " pairs=" + pairs;
                    assertArrayEquals(expectedAt, argmax, where);
                    assertArrayEquals(bits(expected), bits(out), where);
                }
            }
        }
    }

    @Test
    void maxPool2x2RowsBackwardWritesEveryRowInBothKernelSets() {
        float[] specials = {0f, -0f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -1f};
        for (int w : new int[] {2, 4, 6, 14, 16, 18, 28, 32, 34}) {
            for (int pairs : new int[] {1, 3, 29}) {
                int[] corners = rowCorners(w, pairs);
                int count = corners.length;
                int[] argmax = new int[OUT_OFF + count + 2];
                float[] values = new float[argmax.length];
                float[] gOut = randoms(argmax.length);
                for (int j = 0; j < count; j++) {
                    argmax[OUT_OFF + j] = corners[j] + new int[] {0, 1, w, w + 1}[random.nextInt(4)];
                    values[OUT_OFF + j] = random.nextInt(2) == 0 ? specials[random.nextInt(specials.length)]
                            : random.nextFloat() - 0.5f;
                    gOut[OUT_OFF + j] = random.nextInt(5) == 0 ? -0f : gOut[OUT_OFF + j];
                }
                float[] expected = filled(IN_OFF + 2 * w * pairs + 2);
                new PlainKernels().maxPool2x2Backward(gOut, values, argmax, OUT_OFF, corners, count, w, expected,
                        IN_OFF);
                for (Kernels kern : BOTH) {
                    float[] g = filled(expected.length);
                    kern.maxPool2x2RowsBackward(gOut, values, argmax, OUT_OFF, pairs, w, g, IN_OFF);
                    assertArrayEquals(bits(expected), bits(g), kern.name() + " w=" + w + " pairs=" + pairs);
                }
            }
        }
    }

    /** The corners of pairs of rows w wide, one pair after the other. */
    private static int[] rowCorners(int w, int pairs) {
        int[] corners = new int[pairs * w / 2];
        for (int j = 0; j < corners.length; j++) {
            corners[j] = j / (w / 2) * 2 * w + j % (w / 2) * 2;
        }
        return corners;
    }

    private static int[] bits(float[] a) {
        int[] bits = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            bits[i] = Float.floatToRawIntBits(a[i]);
        }
        return bits;
    }

    /** The window's first element that no later one exceeds, a NaN being above all and the first NaN kept. */
    private static int firstMaximum(float[] x, int at, int w) {
        int[] order = {at, at + 1, at + w, at + w + 1};
        for (int i : order) {
            if (Float.isNaN(x[i])) {
                return i;
            }
        }
        int best = at;
        for (int i : order) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Offsets into the input below 60, in no particular order, as a padded image's taps need not be. */
    private int[] taps(int k) {
        int[] taps = new int[k];
        for (int t = 0; t < k; t++) {
            taps[t] = random.nextInt(60);
        }
        return taps;
    }

    /** A sentinel everywhere, so that a write out of place shows. */
    private static float[] filled(int n) {
        float[] v = new float[n];
        Arrays.fill(v, SENTINEL);
        return v;
    }

    private float[] randoms(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Random values with NaN, infinities and both zeros sprinkled in. */
    private float[] specials(int n) {
        return KernelsTest.specials(random, randoms(n));
    }
}
