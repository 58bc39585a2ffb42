package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The direct convolution's kernels, {@link Kernels#correlate} and {@link Kernels#correlateWeights}, in both
 * kernel sets against double-precision sums: sizes around the vector tiles (8 channels by 3 vectors; 4 by 4),
 * runs of positions with and without a last partial vector, offsets and leading dimensions past the sizes.
 */
class CorrelationKernelsTest {
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
                for (int span : new int[] {1, 15, 16, 47, 48, 49, 100}) {
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
}
