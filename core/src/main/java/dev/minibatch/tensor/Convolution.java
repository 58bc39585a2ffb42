package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * 2-D convolution as one matrix product per group, on the {@link Kernels#gemm} kernel: the input's windows
 * are unrolled into the columns of a matrix (im2col), so that {@code out = W·col}, {@code dW = g·colᵀ} and
 * {@code dcol = Wᵀ·g}, whose columns are summed back into the input's gradient (col2im). The columns of the
 * whole batch sit side by side, so each product is as large as the batch, and splits over threads as any
 * large product does; everything else runs in a fixed order, so results do not depend on the thread count.
 */
final class Convolution {
    /** The product's output [O, N·P], before it is laid out as [N, O, P]; alive only within the forward. */
    private static final ThreadLocal<float[]> PRODUCT = Scratch.perThread();
    /** The output gradient laid out as [O, N·P]; alive only within the backward. */
    private static final ThreadLocal<float[]> GRAD_T = Scratch.perThread();
    /** The gradient of the unrolled columns; alive only within the backward. */
    private static final ThreadLocal<float[]> GRAD_COL = Scratch.perThread();
    /** The unrolled columns when no backward will need them. */
    private static final ThreadLocal<float[]> COL = Scratch.perThread();

    private Convolution() {
    }

    /** x [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] or null; gives [N, O, outH, outW]. */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                         int groups) {
        int[] sx = x.shapeRef();
        int[] sw = weight.shapeRef();
        checkShapes(sx, sw, bias, groups);
        int n = sx[0];
        int c = sx[1];
        int o = sw[0];
        Window2d win = Window2d.of("conv2d", sx[2], sx[3], new int[] {sw[2], sw[3]},
                Window2d.pair("conv2d", "stride", stride), Window2d.pair("conv2d", "padding", padding),
                Window2d.pair("conv2d", "dilation", dilation), false);
        int k = sw[1] * sw[2] * sw[3];
        int og = o / groups;
        int cols = n * win.planeOut();
        float[] xv = x.requireFloat("conv2d");
        float[] wv = weight.requireFloat("conv2d");
        boolean keepCol = Autograd.needsGrad(x, weight, bias);
        int colSize = groups * k * cols;
        float[] col = keepCol ? new float[colSize] : Scratch.floats(COL, colSize);
        im2col(xv, n, c, win, col);
        Kernels kern = Kernels.get();
        float[] product = Scratch.floats(PRODUCT, o * cols);
        for (int g = 0; g < groups; g++) {
            kern.gemm(false, false, og, cols, k, wv, g * og * k, col, g * k * cols, product, g * og * cols, false);
        }
        float[] out = new float[n * o * win.planeOut()];
        toBatchMajor(product, out, n, o, win.planeOut(), bias == null ? null : bias.requireFloat("conv2d"));
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Autograd.record(new Tensor(out, new int[] {n, o, win.oh(), win.ow()}), gOut -> {
            float[] gt = Scratch.floats(GRAD_T, o * cols);
            toChannelMajor(gOut, gt, n, o, win.planeOut());
            Tensor.GradOut gb = bias == null ? null : bias.gradOut();
            if (gb != null) {
                sumRows(gt, gb, o, cols);
            }
            Tensor.GradOut gw = weight.gradOut();
            if (gw != null) {
                for (int g = 0; g < groups; g++) {
                    kern.gemm(false, true, og, k, cols, gt, g * og * cols, col, g * k * cols, gw.array(), g * og * k,
                            gw.accumulate());
                }
            }
            Tensor.GradOut gx = x.gradOut();
            if (gx != null) {
                float[] dcol = Scratch.floats(GRAD_COL, col.length);
                for (int g = 0; g < groups; g++) {
                    kern.gemm(true, false, k, cols, og, wv, g * og * k, gt, g * og * cols, dcol, g * k * cols, false);
                }
                if (!gx.accumulate()) {
                    Arrays.fill(gx.array(), 0f);
                }
                col2im(dcol, n, c, win, gx.array());
            }
        }, inputs);
    }

    private static void checkShapes(int[] sx, int[] sw, Tensor bias, int groups) {
        if (sw.length != 4) {
            throw new IllegalArgumentException("conv2d: expected a weight of shape [out_channels, "
                    + "in_channels/groups, kH, kW], got " + Shapes.str(sw));
        }
        if (groups < 1 || sw[0] % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups must be a positive divisor of out_channels="
                    + sw[0] + ", got " + groups);
        }
        if (sx.length != 4 || sx[1] != sw[1] * groups) {
            throw new IllegalArgumentException("conv2d: input of shape " + Shapes.str(sx) + " does not fit a weight"
                    + " of shape " + Shapes.str(sw) + " with groups=" + groups + " (expected [N, " + sw[1] * groups
                    + ", H, W])");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != sw[0])) {
            throw new IllegalArgumentException("conv2d: bias of shape " + Shapes.str(bias.shapeRef())
                    + " does not fit a weight of shape " + Shapes.str(sw) + " (expected [" + sw[0] + "])");
        }
    }

    /**
     * Row {@code (c·kh + ky)·kw + kx} of {@code col} [C·kh·kw, N·P] holds, for every sample and window
     * position, the input value under kernel tap {@code (ky, kx)} of channel c, or 0 in the padding.
     */
    private static void im2col(float[] x, int n, int c, Window2d win, float[] col) {
        forEachTap(n, c, win, (colOff, plane, ky, kx) -> gatherTap(x, plane, win, ky, kx, col, colOff));
    }

    /** The adjoint of {@link #im2col}: adds each column entry to the input element it was read from. */
    private static void col2im(float[] col, int n, int c, Window2d win, float[] dx) {
        forEachTap(n, c, win, (colOff, plane, ky, kx) -> scatterTap(col, colOff, win, ky, kx, dx, plane));
    }

    private interface Tap {
        void accept(int colOffset, int plane, int ky, int kx);
    }

    /** Every (channel, tap, sample) in column order: where its run of P columns starts, and its input plane. */
    private static void forEachTap(int n, int c, Window2d win, Tap tap) {
        int cols = n * win.planeOut();
        for (int ch = 0; ch < c; ch++) {
            for (int ky = 0; ky < win.kh(); ky++) {
                for (int kx = 0; kx < win.kw(); kx++) {
                    int row = ((ch * win.kh() + ky) * win.kw() + kx) * cols;
                    for (int s = 0; s < n; s++) {
                        tap.accept(row + s * win.planeOut(), (s * c + ch) * win.planeIn(), ky, kx);
                    }
                }
            }
        }
    }

    /** One tap's values over all window positions of one plane, into {@code col} from {@code to}. */
    private static void gatherTap(float[] x, int plane, Window2d win, int ky, int kx, float[] col, int to) {
        int dy = ky * win.dh();
        int dx = kx * win.dw();
        int x0 = Window2d.firstInside(win.sw(), win.pw(), dx);
        int x1 = Math.max(x0, Window2d.endInside(win.w(), win.ow(), win.sw(), win.pw(), dx));
        for (int oy = 0; oy < win.oh(); oy++) {
            int iy = oy * win.sh() - win.ph() + dy;
            int dst = to + oy * win.ow();
            if (iy < 0 || iy >= win.h()) {
                Arrays.fill(col, dst, dst + win.ow(), 0f);
                continue;
            }
            Arrays.fill(col, dst, dst + x0, 0f);
            int src = plane + iy * win.w() - win.pw() + dx;
            if (win.sw() == 1) {
                System.arraycopy(x, src + x0, col, dst + x0, x1 - x0);
            } else {
                for (int ox = x0; ox < x1; ox++) {
                    col[dst + ox] = x[src + ox * win.sw()];
                }
            }
            Arrays.fill(col, dst + x1, dst + win.ow(), 0f);
        }
    }

    private static void scatterTap(float[] col, int from, Window2d win, int ky, int kx, float[] dx, int plane) {
        int dy = ky * win.dh();
        int dxOff = kx * win.dw();
        int x0 = Window2d.firstInside(win.sw(), win.pw(), dxOff);
        int x1 = Window2d.endInside(win.w(), win.ow(), win.sw(), win.pw(), dxOff);
        for (int oy = 0; oy < win.oh(); oy++) {
            int iy = oy * win.sh() - win.ph() + dy;
            if (iy < 0 || iy >= win.h()) {
                continue;
            }
            int src = from + oy * win.ow();
            int dst = plane + iy * win.w() - win.pw() + dxOff;
            for (int ox = x0; ox < x1; ox++) {
                dx[dst + ox * win.sw()] += col[src + ox];
            }
        }
    }

    /** {@code out[s, o, p] = product[o, s·P + p] (+ bias[o])}. */
    private static void toBatchMajor(float[] product, float[] out, int n, int o, int plane, float[] bias) {
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < o; ch++) {
                int src = ch * n * plane + s * plane;
                int dst = (s * o + ch) * plane;
                float b = bias == null ? 0f : bias[ch];
                for (int p = 0; p < plane; p++) {
                    out[dst + p] = product[src + p] + b;
                }
            }
        }
    }

    /** {@code gt[o, s·P + p] = g[s, o, p]}: the inverse of {@link #toBatchMajor}'s layout. */
    private static void toChannelMajor(float[] g, float[] gt, int n, int o, int plane) {
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < o; ch++) {
                System.arraycopy(g, (s * o + ch) * plane, gt, ch * n * plane + s * plane, plane);
            }
        }
    }

    /** The bias gradient: each row of {@code gt} [o, cols] summed in order, in double. */
    private static void sumRows(float[] gt, Tensor.GradOut gb, int o, int cols) {
        float[] out = gb.array();
        for (int ch = 0; ch < o; ch++) {
            double s = 0;
            for (int i = ch * cols, end = i + cols; i < end; i++) {
                s += gt[i];
            }
            out[ch] = gb.accumulate() ? out[ch] + (float) s : (float) s;
        }
    }
}
