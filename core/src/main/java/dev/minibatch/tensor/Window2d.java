package dev.minibatch.tensor;

/**
 * Where a 2-D sliding window (a convolution's or a pooling's) lands on the last two dimensions of an image
 * batch: window position {@code (oy, ox)} reads input rows {@code oy·sh - ph + ky·dh} for {@code ky < kh}, and
 * columns likewise; rows and columns outside the input are padding. Sizes follow PyTorch:
 * {@code out = floor((in + 2p - d(k-1) - 1) / s) + 1}.
 */
record Window2d(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {

    /** The window over an [*, h, w] input, with every setting checked; {@code ceilMode} rounds the sizes up. */
    static Window2d of(String op, int h, int w, int[] kernel, int[] stride, int[] padding, int[] dilation,
                       boolean ceilMode) {
        checkAtLeast(op, "kernel_size", kernel, 1);
        checkAtLeast(op, "stride", stride, 1);
        checkAtLeast(op, "padding", padding, 0);
        checkAtLeast(op, "dilation", dilation, 1);
        int oh = outSize(h, kernel[0], stride[0], padding[0], dilation[0], ceilMode);
        int ow = outSize(w, kernel[1], stride[1], padding[1], dilation[1], ceilMode);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": the kernel (" + span(kernel[0], dilation[0]) + " x "
                    + span(kernel[1], dilation[1]) + " with dilation) is larger than the padded input ("
                    + (h + 2 * padding[0]) + " x " + (w + 2 * padding[1]) + "): input " + h + " x " + w
                    + ", padding " + str(padding) + "; the output would be " + oh + " x " + ow);
        }
        return new Window2d(h, w, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1],
                dilation[0], dilation[1], oh, ow);
    }

    /** A setting given as one value for both dimensions ({@code {3}}) or as a pair ({@code {3, 5}}). */
    static int[] pair(String op, String name, int... values) {
        if (values == null || values.length < 1 || values.length > 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be one int or a pair of ints, got "
                    + (values == null ? "null" : str(values)));
        }
        return values.length == 1 ? new int[] {values[0], values[0]} : values.clone();
    }

    /** PyTorch's rule, with ceil mode's proviso that the last window must start inside the input or its left padding. */
    private static int outSize(int in, int k, int s, int p, int d, boolean ceilMode) {
        int span = in + 2 * p - span(k, d);
        if (span < 0) {
            return 0;
        }
        int out = (ceilMode ? (span + s - 1) / s : span / s) + 1;
        if (ceilMode && (out - 1) * s >= in + p) {
            out--;
        }
        return out;
    }

    private static int span(int k, int d) {
        return d * (k - 1) + 1;
    }

    private static void checkAtLeast(String op, String name, int[] values, int min) {
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(op + ": " + name + " must be at least " + min + ", got "
                        + str(values));
            }
        }
    }

    private static String str(int[] values) {
        return values.length == 1 ? String.valueOf(values[0]) : "(" + values[0] + ", " + values[1] + ")";
    }

    int planeIn() {
        return h * w;
    }

    int planeOut() {
        return oh * ow;
    }

    /** The first window index {@code o} whose input index {@code o·s - p + offset} is not below 0. */
    static int firstInside(int s, int p, int offset) {
        int need = p - offset;
        return need <= 0 ? 0 : (need + s - 1) / s;
    }

    /** One past the last window index {@code o < out} whose input index {@code o·s - p + offset} is below {@code in}. */
    static int endInside(int in, int out, int s, int p, int offset) {
        int last = in - 1 + p - offset;
        return last < 0 ? 0 : Math.min(out, last / s + 1);
    }
}
