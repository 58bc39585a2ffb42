package dev.minibatch.tensor;

/**
 * Constant zero padding of the last two dimensions, like {@code F.pad(x, (left, right, top, bottom))}; a
 * negative amount crops, as in PyTorch.
 */
final class Padding {
    private Padding() {
    }

    static Tensor pad(Tensor x, int left, int right, int top, int bottom) {
        int[] s = x.shapeRef();
        if (s.length < 2) {
            throw new IllegalArgumentException("pad: padding (left, right, top, bottom) needs a tensor of rank >= 2,"
                    + " got shape " + Shapes.str(s));
        }
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        int oh = h + top + bottom;
        int ow = w + left + right;
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("pad: padding (" + left + ", " + right + ", " + top + ", " + bottom
                    + ") of an input of shape " + Shapes.str(s) + " leaves an output of " + oh + " x " + ow);
        }
        float[] xv = x.requireFloat("pad");
        int[] so = s.clone();
        so[s.length - 2] = oh;
        so[s.length - 1] = ow;
        int planes = Shapes.outer(s, s.length - 2);
        float[] out = new float[planes * oh * ow];
        copyRows(xv, h, w, out, oh, ow, planes, top, left, true);
        return Autograd.record(new Tensor(out, so), g -> {
            float[] gx = new float[xv.length];
            copyRows(gx, h, w, g, oh, ow, planes, top, left, false);
            x.accumulateGrad(gx);
        }, x);
    }

    /**
     * Copies the overlap of each input plane [h, w] and padded plane [oh, ow], input row r and column c
     * being padded row {@code r + top} and column {@code c + left}: into the padded planes when
     * {@code forward}, back out of them (the gradient) otherwise.
     */
    private static void copyRows(float[] small, int h, int w, float[] big, int oh, int ow, int planes, int top,
                                 int left, boolean forward) {
        int r0 = Math.max(0, -top);
        int r1 = Math.min(h, oh - top);
        int c0 = Math.max(0, -left);
        int c1 = Math.min(w, ow - left);
        if (c1 <= c0) {
            return;
        }
        for (int pl = 0; pl < planes; pl++) {
            for (int r = r0; r < r1; r++) {
                int in = (pl * h + r) * w + c0;
                int out = (pl * oh + r + top) * ow + c0 + left;
                if (forward) {
                    System.arraycopy(small, in, big, out, c1 - c0);
                } else {
                    System.arraycopy(big, out, small, in, c1 - c0);
                }
            }
        }
    }
}
