package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * The 2x2 max pooling of stride 2 fused after a convolution and its ReLU ({@link Convolution#conv2dReluPool2x2}),
 * as {@link Pooling#maxPool2d} gives it: the values, and each window's first maximum as an index into its image's
 * output, one image at a time while that output is in a thread's scratch. The argmax is read by the backward
 * alone: it is taken from {@link GradBuffers} and given back by {@link #release} once nothing will read it.
 * Planes of even height and width are read and written by whole pairs of rows ({@link Kernels#maxPool2x2Rows});
 * others through each window's corner ({@code corners}, null for even planes), {@code perImage} windows an image.
 */
record ReluPool2x2(float[] values, int[] argmax, int[] corners, int perImage, int w, boolean covered) {
    static ReluPool2x2 of(int n, int o, Window2d win) {
        boolean covered = win.oh() % 2 == 0 && win.ow() % 2 == 0;
        int perImage = o * (win.oh() / 2) * (win.ow() / 2);
        // Whole pairs of rows are read in place; other sizes go through the windows' corners.
        int[] corners = covered ? null : Pooling.corners2x2(o, win.oh(), win.ow());
        int windows = n * perImage;
        return new ReluPool2x2(new float[windows], GradBuffers.takeInts(windows), corners, perImage, win.ow(),
                covered);
    }

    void pool(float[] image, int s) {
        if (covered) {
            Kernels.get().maxPool2x2Rows(image, 0, w, perImage / (w / 2), values, argmax, s * perImage);
        } else {
            Kernels.get().maxPool2x2(image, 0, w, corners, perImage, values, argmax, s * perImage);
        }
    }

    /**
     * Images [from, end)'s gradient through the pooling and the ReLU, into g [N, O·P]: the pooled gradient
     * at each window's maximum where that maximum is above zero (0 + g, as the pooling's backward adds it
     * to zeros), zeros elsewhere. An odd last row or column is in no window: only then is g zeroed first.
     */
    void scatter(float[] gPool, float[] g, int from, int end, int image) {
        if (!covered) {
            Arrays.fill(g, from * image, end * image, 0f);
        }
        for (int s = from; s < end; s++) {
            if (covered) {
                Kernels.get().maxPool2x2RowsBackward(gPool, values, argmax, s * perImage, perImage / (w / 2), w, g,
                        s * image);
            } else {
                Kernels.get().maxPool2x2Backward(gPool, values, argmax, s * perImage, corners, perImage, w, g,
                        s * image);
            }
        }
    }

    /** Gives the argmax back: called once no backward will read it. */
    void release() {
        GradBuffers.giveInts(argmax);
    }
}
