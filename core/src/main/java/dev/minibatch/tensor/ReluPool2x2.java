package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * The 2x2 max pooling of stride 2 fused after a convolution and its ReLU ({@link Convolution#conv2dReluPool2x2}),
 * as {@link Pooling#maxPool2d} gives it: the values, and each window's first maximum as an index into its image's
 * output, one image at a time while that output is in a thread's scratch.
 */
record ReluPool2x2(float[] values, int[] argmax, int[] corners) {
    static ReluPool2x2 of(int n, int o, Window2d win) {
        int[] corners = Pooling.corners2x2(o, win.oh(), win.ow());
        return new ReluPool2x2(new float[n * corners.length], new int[n * corners.length], corners);
    }

    void pool(float[] image, int s, int ow) {
        Kernels.get().maxPool2x2(image, 0, ow, corners, corners.length, values, argmax, s * corners.length);
    }

    /**
     * Images [from, end)'s gradient through the pooling and the ReLU, into g [N, O·P]: the pooled gradient
     * at each window's maximum where that maximum is above zero (0 + g, as the pooling's backward adds it
     * to zeros), zeros elsewhere.
     */
    void scatter(float[] gPool, float[] g, int from, int end, int image) {
        Arrays.fill(g, from * image, end * image, 0f);
        for (int s = from; s < end; s++) {
            for (int j = s * corners.length, last = j + corners.length; j < last; j++) {
                if (values[j] > 0f) {
                    g[s * image + argmax[j]] = 0f + gPool[j];
                }
            }
        }
    }
}
