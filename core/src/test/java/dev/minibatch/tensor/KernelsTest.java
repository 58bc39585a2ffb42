package dev.minibatch.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Both kernel sets against a double-precision reference, and against each other: the matrix product in
 * every layout with odd sizes, offsets and accumulation; the same bits for any thread count; the
 * elementwise kernels bit for bit; the fused softmax cross entropy.
 */
class KernelsTest {
    private static final List<Kernels> BOTH = List.of(new PlainKernels(), new VectorKernels());
    private static final int A_OFF = 5;
    private static final int B_OFF = 2;
    private static final int C_OFF = 3;
    private static final float SENTINEL = 12345f;

    private final int threadsBefore = Minibatch.getNumThreads();
    private final Random random = new Random(42);

    @AfterEach
    void restoreThreads() {
        Minibatch.setNumThreads(threadsBefore);
    }

    @Test
    void allFiniteFindsEveryKindOfNonFiniteValueAnywhere() {
        // 1001 values: whole vectors and a tail, in both kernel sets; a NaN with its sign bit set too.
        float[] values = new float[1001];
        float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, Float.MIN_NORMAL};
        for (Kernels kern : BOTH) {
            assertTrue(kern.allFinite(values, values.length), kern.name());
            assertTrue(kern.allFinite(extremes, extremes.length), kern.name());
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0xffc0_0001)}) {
                for (int at : new int[] {0, 17, 500, 999, 1000}) {
                    float[] v = values.clone();
                    v[at] = bad;
                    assertFalse(kern.allFinite(v, v.length), kern.name() + ": " + bad + " at " + at);
                    assertTrue(kern.allFinite(v, at), kern.name() + ": only the first n values count");
                }
            }
        }
    }

    @Test
    void gemmMatchesADoublePrecisionProductInEveryLayout() {
        // Around the tile (6 rows, 16 and 64 columns), the gather (8 steps) and the slice (128 steps).
        int[] sides = {1, 3, 6, 7, 17, 65};
        int[] depths = {1, 7, 8, 9, 17, 129};
        for (Kernels kern : BOTH) {
            for (int m : sides) {
                for (int n : sides) {
                    for (int k : depths) {
                        checkAllLayouts(kern, m, n, k);
                    }
                }
            }
            // The lesson's products (x·W1ᵀ, dW1 = gᵀ·x, the second layer's), whole tiles, and a product cut
            // into four tasks with partial panels on both edges.
            int[][] shapes = {{50, 50, 784}, {50, 784, 50}, {784, 50, 50}, {50, 10, 50}, {10, 50, 50},
                {50, 50, 10}, {64, 64, 64}, {12, 128, 128}, {260, 300, 140}};
            for (int[] s : shapes) {
                checkAllLayouts(kern, s[0], s[1], s[2]);
            }
        }
    }

    @Test
    void gemmUnrolledReadsEachElementAtItsRowPlusColumnOffset() {
        // Rows around the tile of six (1, 6, 7, 13) and columns around its two vectors and a masked rest.
        float[] a = randoms(400);
        for (Kernels kern : BOTH) {
            for (int m : new int[] {1, 6, 7, 13}) {
                for (int n : new int[] {1, 16, 32, 33, 70}) {
                    int k = 11;
                    int[] rows = new int[m];
                    int[] cols = new int[k];
                    for (int i = 0; i < m; i++) {
                        rows[i] = (i * 37) % 200;
                    }
                    for (int q = 0; q < k; q++) {
                        cols[q] = q * 17;
                    }
                    int ldb = n + 4;
                    float[] b = randoms(B_OFF + k * ldb);
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] c = randoms(C_OFF + m * n);
                        float[] expected = c.clone();
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double sum = accumulate ? c[C_OFF + i * n + j] : 0;
                                for (int q = 0; q < k; q++) {
                                    sum += (double) a[A_OFF + rows[i] + cols[q]] * b[B_OFF + q * ldb + j];
                                }
                                expected[C_OFF + i * n + j] = (float) sum;
                            }
                        }
                        kern.gemmUnrolled(a, A_OFF, rows, cols, b, B_OFF, ldb, n, c, C_OFF, accumulate);
                        assertArrayEquals(expected, c, 1e-4f, kern.name() + " m=" + m + " n=" + n);
                    }
                }
            }
        }
    }

    @Test
    void gemmWithZeroDepthClearsOrKeepsC() {
        for (Kernels kern : BOTH) {
            float[] c = {1, 2, 3, 4, 5, 6};
            kern.gemm(false, false, 2, 3, 0, new float[0], 0, new float[0], 0, c, 0, true);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c, kern.name());
            kern.gemm(false, false, 2, 3, 0, new float[0], 0, new float[0], 0, c, 0, false);
            assertArrayEquals(new float[6], c, kern.name());
        }
    }

    @Test
    void gemmGivesTheSameBitsForAnyThreadCount() {
        // Above both kernels' split thresholds (8 million multiply-adds), cut along rows, columns or both;
        // the last is a single narrow column panel.
        int[][] shapes = {{256, 800, 784}, {129, 515, 197}, {1000, 67, 150}, {300, 1000, 40}, {3000, 10, 300}};
        for (Kernels kern : BOTH) {
            for (int[] s : shapes) {
                for (int layout = 0; layout < 4; layout++) {
                    boolean ta = (layout & 1) != 0;
                    boolean tb = (layout & 2) != 0;
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    float[] a = randoms(m * k);
                    float[] b = randoms(k * n);
                    float[] c0 = randoms(m * n);
                    float[] one = null;
                    for (int threads = 1; threads <= 3; threads++) {
                        Minibatch.setNumThreads(threads);
                        float[] c = c0.clone();
                        kern.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0, layout % 2 == 0);
                        if (one == null) {
                            one = c;
                        } else {
                            assertArrayEquals(one, c, kern.name() + " " + Arrays.toString(s) + " layout " + layout
                                    + " with " + threads + " threads");
                        }
                    }
                }
            }
        }
    }

    /**
     * A model trains to the same bits with or without the Vector API module, so the two products agree bit for
     * bit: around the tiles (6 rows, 64 columns), the plain kernel's column
     * blocks (256), the slices of k (128), in every layout, accumulating or not, with NaN, infinities and
     * both zeros among the values, and for the lesson's, the wide model's and the anchor CNN classifier's products
     * (ten outputs: a narrow panel of B, and an input gradient over ten steps, on the one-vector tiles).
     */
    @Test
    void gemmGivesTheSameBitsInBothKernelSets() {
        Kernels plain = new PlainKernels();
        Kernels vector = new VectorKernels();
        int[] sides = {1, 6, 7, 16, 50, 65, 257};
        int[] depths = {1, 10, 127, 128, 129, 300};
        List<int[]> shapes = new java.util.ArrayList<>();
        for (int m : sides) {
            for (int n : sides) {
                for (int k : depths) {
                    shapes.add(new int[] {m, n, k});
                }
            }
        }
        shapes.addAll(List.of(new int[] {50, 50, 784}, new int[] {50, 784, 50}, new int[] {784, 50, 50},
                new int[] {256, 800, 784}, new int[] {800, 784, 256}, new int[] {256, 784, 800},
                new int[] {64, 10, 1568}, new int[] {64, 1568, 10}, new int[] {10, 1568, 64}));
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = sprinkled(m * k);
            float[] b = sprinkled(k * n);
            float[] c0 = sprinkled(m * n);
            for (int layout = 0; layout < 4; layout++) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    boolean ta = (layout & 1) != 0;
                    boolean tb = (layout & 2) != 0;
                    float[] cPlain = c0.clone();
                    float[] cVector = c0.clone();
                    plain.gemm(ta, tb, m, n, k, a, 0, b, 0, cPlain, 0, accumulate);
                    vector.gemm(ta, tb, m, n, k, a, 0, b, 0, cVector, 0, accumulate);
                    assertArrayEquals(cVector, cPlain, Arrays.toString(s) + " layout " + layout
                            + (accumulate ? " accumulating" : ""));
                }
            }
        }
    }

    @Test
    void elementwiseKernelsGiveTheSameBitsAsTheirDefinition() {
        int[] lengths = {0, 1, 15, 16, 17, 33, 1000};
        for (int n : lengths) {
            float[] a = specials(n);
            float[] b = specials(n);
            float[] expected = new float[n];
            for (Kernels kern : BOTH) {
                String what = kern.name() + " n=" + n;
                float[] out = new float[n];
                kern.add(a, b, out, n);
                for (int i = 0; i < n; i++) {
                    expected[i] = a[i] + b[i];
                }
                assertArrayEquals(expected, out, "add " + what);
                kern.mul(a, b, out, n);
                for (int i = 0; i < n; i++) {
                    expected[i] = a[i] * b[i];
                }
                assertArrayEquals(expected, out, "mul " + what);
                kern.relu(a, out, n);
                for (int i = 0; i < n; i++) {
                    expected[i] = Math.max(a[i], 0f);
                }
                assertArrayEquals(expected, out, "relu " + what);
                kern.reluBackward(a, b, out, 0, n);
                for (int i = 0; i < n; i++) {
                    expected[i] = a[i] > 0f ? b[i] : 0f;
                }
                assertArrayEquals(expected, out, "reluBackward " + what);
                int from = n / 3;
                Arrays.fill(out, -7f);
                kern.reluBackward(a, b, out, from, n - from);
                Arrays.fill(expected, 0, from, -7f);
                assertArrayEquals(expected, out, "reluBackward from " + from + ", " + what);
            }
        }
    }

    @Test
    void axpyAddsAScaledSliceAtAnyOffsets() {
        int[][] offsets = {{0, 0}, {7, 7}, {3, 11}, {20, 0}};
        for (int[] o : offsets) {
            for (int n : new int[] {0, 1, 17, 100}) {
                float[] x = specials(n + 30);
                float[] y0 = specials(n + 30);
                float[] expected = y0.clone();
                for (int i = 0; i < n; i++) {
                    expected[o[1] + i] += -0.5f * x[o[0] + i];
                }
                for (Kernels kern : BOTH) {
                    float[] y = y0.clone();
                    kern.axpy(n, -0.5f, x, o[0], y, o[1]);
                    assertArrayEquals(expected, y, "axpy " + kern.name() + " n=" + n + " " + Arrays.toString(o));
                }
            }
        }
    }

    @Test
    void rowVectorKernelsGiveTheSameBitsAsTheirDefinition() {
        for (int rows : new int[] {1, 3, 50}) {
            for (int cols : new int[] {1, 10, 16, 50, 800}) {
                float[] a = specials(rows * cols);
                float[] row = specials(cols);
                float[] start = randoms(cols);
                float[] plus = new float[rows * cols];
                float[] plusRelu = new float[rows * cols];
                float[] sums = new float[cols];
                float[] sumsFromStart = start.clone();
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        plus[r * cols + c] = a[r * cols + c] + row[c];
                        plusRelu[r * cols + c] = Math.max(plus[r * cols + c], 0f);
                        sums[c] += a[r * cols + c];
                        sumsFromStart[c] += a[r * cols + c];
                    }
                }
                for (Kernels kern : BOTH) {
                    String what = kern.name() + " " + rows + "x" + cols;
                    float[] out = new float[rows * cols];
                    kern.addRowVector(a, row, out, rows, cols);
                    assertArrayEquals(plus, out, "addRowVector " + what);
                    kern.addRowVectorRelu(a, row, out, rows, cols);
                    assertArrayEquals(plusRelu, out, "addRowVectorRelu " + what);
                    float[] inPlace = a.clone();
                    kern.addRowVector(inPlace, row, inPlace, rows, cols);
                    assertArrayEquals(plus, inPlace, "addRowVector in place " + what);
                    float[] s = randoms(cols);
                    kern.sumRows(a, s, rows, cols, false);
                    assertArrayEquals(sums, s, "sumRows " + what);
                    s = start.clone();
                    kern.sumRows(a, s, rows, cols, true);
                    assertArrayEquals(sumsFromStart, s, "sumRows accumulating " + what);
                }
            }
        }
    }

    @Test
    void reluKeepsNaNAndClearsNegatives() {
        float[] in = {Float.NaN, -1f, -0f, 0f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (Kernels kern : BOTH) {
            float[] out = new float[in.length];
            kern.relu(in, out, in.length);
            assertTrue(Float.isNaN(out[0]), kern.name());
            assertArrayEquals(new float[] {0f, 0f, 0f, 2f, 0f, Float.POSITIVE_INFINITY},
                    Arrays.copyOfRange(out, 1, out.length), kern.name());
        }
    }

    @Test
    void softmaxCrossEntropyMatchesADoublePrecisionReference() {
        for (int c : new int[] {1, 3, 10, 17}) {
            int n = 7;
            float[] x = randoms(n * c);
            x[0] += 1000f; // far from zero: only the shifted form keeps float32 precision here
            for (int j = 0; j < c; j++) {
                x[c + j] -= 1000f;
            }
            int[] t = new int[n];
            for (int i = 0; i < n; i++) {
                t[i] = random.nextInt(c);
            }
            float scale = 1f / n;
            for (Kernels kern : BOTH) {
                float[] loss = new float[n];
                float[] grad = new float[n * c];
                kern.softmaxCrossEntropy(x, t, n, c, loss, grad, scale);
                float[] lossOnly = new float[n];
                kern.softmaxCrossEntropy(x, t, n, c, lossOnly, null, scale);
                assertArrayEquals(loss, lossOnly, "loss without the gradient");
                for (int i = 0; i < n; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < c; j++) {
                        max = Math.max(max, x[i * c + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < c; j++) {
                        sum += Math.exp(x[i * c + j] - max);
                    }
                    double lse = max + Math.log(sum);
                    double expected = lse - x[i * c + t[i]];
                    assertEquals(expected, loss[i], 1e-6 * Math.max(1, Math.abs(expected)), "loss of row " + i
                            + ", c=" + c);
                    for (int j = 0; j < c; j++) {
                        double g = (Math.exp(x[i * c + j] - lse) - (j == t[i] ? 1 : 0)) * scale;
                        assertEquals(g, grad[i * c + j], 1e-7, "grad [" + i + ", " + j + "], c=" + c);
                    }
                }
            }
        }
    }

    @Test
    void theKernelsAreChosenOnceByModuleOrProperty() {
        // The tests run with --add-modules jdk.incubator.vector; -Dminibatch.kernels=plain runs them on the fallback.
        String forced = System.getProperty(KernelsHolder.PROPERTY, "auto");
        assertEquals(forced.equals("plain") ? "plain" : "vector", Minibatch.kernels());
        assertInstanceOf(VectorKernels.class, KernelsHolder.select("auto"));
        assertInstanceOf(VectorKernels.class, KernelsHolder.select("vector"));
        assertInstanceOf(PlainKernels.class, KernelsHolder.select("plain"));
        var e = assertThrows(IllegalArgumentException.class, () -> KernelsHolder.select("fast"));
        assertTrue(e.getMessage().contains("minibatch.kernels=fast"), e.getMessage());
    }

    /** A JVM without the Vector API module runs, and says once why it is slow; a forced choice says nothing. */
    @Test
    void thePlainFallbackIsAnnouncedOnceWithTheFlagThatAvoidsIt() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream warnings = new PrintStream(captured, true, StandardCharsets.UTF_8);
        assertInstanceOf(PlainKernels.class, KernelsHolder.select("auto", false, warnings));
        assertEquals(List.of("Minibatch: running on the plain-Java kernels, about 3x slower: add --add-modules "
                + "jdk.incubator.vector to the java command"), captured.toString(StandardCharsets.UTF_8).lines().toList());
        captured.reset();
        assertInstanceOf(PlainKernels.class, KernelsHolder.select("plain", false, warnings));
        assertInstanceOf(VectorKernels.class, KernelsHolder.select("auto", true, warnings));
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    /** All four layouts, accumulating or not, with operands inside larger arrays. */
    private void checkAllLayouts(Kernels kern, int m, int n, int k) {
        for (int layout = 0; layout < 4; layout++) {
            for (boolean accumulate : new boolean[] {false, true}) {
                checkGemm(kern, (layout & 1) != 0, (layout & 2) != 0, m, n, k, accumulate);
            }
        }
    }

    /**
     * Operands sit at offsets inside arrays padded with NaN, so that a read outside them poisons C; C sits
     * between sentinels that must survive, and starts as NaN when not accumulating (it must be overwritten).
     */
    private void checkGemm(Kernels kern, boolean ta, boolean tb, int m, int n, int k, boolean accumulate) {
        float[] a = padded(A_OFF, m * k, Float.NaN);
        float[] b = padded(B_OFF, k * n, Float.NaN);
        float[] c = padded(C_OFF, m * n, SENTINEL);
        float[] c0 = Arrays.copyOfRange(c, C_OFF, C_OFF + m * n);
        if (!accumulate) {
            Arrays.fill(c, C_OFF, C_OFF + m * n, Float.NaN);
        }
        kern.gemm(ta, tb, m, n, k, a, A_OFF, b, B_OFF, c, C_OFF, accumulate);
        String what = kern.name() + (ta ? " Aᵀ" : " A") + (tb ? "·Bᵀ " : "·B ") + m + "x" + n + "x" + k
                + (accumulate ? " accumulating" : "");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? c0[i * n + j] : 0;
                double norm = 0;
                for (int p = 0; p < k; p++) {
                    double term = (double) a[A_OFF + (ta ? p * m + i : i * k + p)]
                            * b[B_OFF + (tb ? j * k + p : p * n + j)];
                    sum += term;
                    norm += term * term;
                }
                // float32 rounding of a k-term sum grows like sqrt(k) times the size of its terms.
                double tol = 1e-5 * Math.sqrt(k) * (Math.sqrt(norm) + Math.abs(accumulate ? c0[i * n + j] : 0));
                float got = c[C_OFF + i * n + j];
                if (!(Math.abs(got - sum) <= tol)) {
                    fail(what + ": C[" + i + ", " + j + "] is " + got + ", expected " + sum + " (tolerance " + tol + ")");
                }
            }
        }
        for (int i = 0; i < C_OFF; i++) {
            assertEquals(SENTINEL, c[i], what + ": wrote before C");
        }
        for (int i = C_OFF + m * n; i < c.length; i++) {
            assertEquals(SENTINEL, c[i], what + ": wrote after C");
        }
    }

    private float[] padded(int off, int size, float pad) {
        float[] v = new float[off + size + 7];
        Arrays.fill(v, pad);
        System.arraycopy(randoms(size), 0, v, off, size);
        return v;
    }

    private float[] randoms(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Random values with a NaN, an infinity of each sign and both zeros at random places, each twice. */
    private float[] sprinkled(int n) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
        float[] v = randoms(n);
        for (int i = 0; i < 2 * special.length; i++) {
            v[random.nextInt(n)] = special[i % special.length];
        }
        return v;
    }

    private float[] specials(int n) {
        return specials(random, randoms(n));
    }

    /** {@code v} with NaN, infinities and both zeros sprinkled in, at about one place in eight. */
    static float[] specials(Random random, float[] v) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
        for (int i = 0; i < v.length; i++) {
            if (random.nextInt(8) == 0) {
                v[i] = special[random.nextInt(special.length)];
            }
        }
        return v;
    }
}
