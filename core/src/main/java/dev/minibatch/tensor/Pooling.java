package dev.minibatch.tensor;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Max, average and adaptive average pooling over the last two dimensions of an [N, C, H, W] (or unbatched
 * [C, H, W]) tensor, each plane on its own, with PyTorch's output sizes and gradients.
 */
final class Pooling {
    /** Planes per task when planes are shared among threads: a plane of MNIST's is too little work alone. */
    private static final int PLANES_PER_TASK = 16;

    private Pooling() {
    }

    /**
     * The largest value of each window, NaN winning as in PyTorch; the padding counts as -inf. The gradient
     * goes to the first maximum of each window.
     */
    static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        Window2d win = window("maxPool2d", x, kernel, stride, padding, dilation, ceilMode);
        float[] xv = x.requireFloat("maxPool2d");
        int planes = planes(x);
        float[] out = new float[planes * win.planeOut()];
        int[] argmax = new int[out.length];
        boolean pairs = win.kh() == 2 && win.kw() == 2 && win.sh() == 2 && win.sw() == 2 && win.ph() == 0
                && win.pw() == 0 && win.dh() == 1 && win.dw() == 1 && 2 * win.oh() <= win.h() && 2 * win.ow() <= win.w();
        if (pairs) {
            max2x2(xv, planes, win, out, argmax);
        } else {
            forEachPlanes(planes, pl -> {
                for (int oy = 0; oy < win.oh(); oy++) {
                    for (int ox = 0; ox < win.ow(); ox++) {
                        int o = (pl * win.oh() + oy) * win.ow() + ox;
                        argmax[o] = windowMax(xv, pl * win.planeIn(), win, oy, ox);
                        out[o] = xv[argmax[o]];
                    }
                }
            });
        }
        return Autograd.record(new Tensor(out, outShape(x, win)), g -> {
            Tensor.GradOut gx = x.gradOut();
            float[] dx = gx.array();
            forEachPlanes(planes, pl -> {
                if (!gx.accumulate()) {
                    Arrays.fill(dx, pl * win.planeIn(), (pl + 1) * win.planeIn(), 0f);
                }
                for (int o = pl * win.planeOut(), end = o + win.planeOut(); o < end; o++) {
                    dx[argmax[o]] += g[o];
                }
            });
        }, x);
    }

    /**
     * Runs {@code plane} for every plane, sharing runs of planes among {@link Parallel}'s threads; each
     * plane's outputs and gradients are its own, so the result does not depend on the thread count.
     */
    private static void forEachPlanes(int planes, IntConsumer plane) {
        int tasks = (planes + PLANES_PER_TASK - 1) / PLANES_PER_TASK;
        Parallel.forEach(tasks, t -> {
            for (int pl = t * PLANES_PER_TASK, end = Math.min(planes, pl + PLANES_PER_TASK); pl < end; pl++) {
                plane.accept(pl);
            }
        });
    }

    /**
     * {@link #windowMax} for the common 2x2 windows of stride 2, every one inside the plane, by
     * {@link Kernels#maxPool2x2} on runs of {@link #PLANES_PER_TASK} planes: their windows' corners, relative
     * to the run's first plane, are the same for every run.
     */
    private static void max2x2(float[] x, int planes, Window2d win, float[] out, int[] argmax) {
        int planeOut = win.planeOut();
        int[] corners = corners2x2(Math.min(planes, PLANES_PER_TASK), win.h(), win.w());
        int tasks = (planes + PLANES_PER_TASK - 1) / PLANES_PER_TASK;
        Parallel.forEach(tasks, t -> {
            int first = t * PLANES_PER_TASK;
            int count = (Math.min(planes, first + PLANES_PER_TASK) - first) * planeOut;
            Kernels.get().maxPool2x2(x, first * win.planeIn(), win.w(), corners, count, out, argmax,
                    first * planeOut);
        });
    }

    /**
     * The top-left corners of the 2x2 windows of stride 2 over {@code planes} planes [h, w], plane after plane
     * and row by row, as indices from the first plane's start: the windows {@link Kernels#maxPool2x2} reads.
     */
    static int[] corners2x2(int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        int[] corners = new int[planes * oh * ow];
        for (int plane = 0, j = 0; plane < planes; plane++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    corners[j++] = plane * h * w + 2 * y * w + 2 * x;
                }
            }
        }
        return corners;
    }

    /** The flat index of the first maximum (or first NaN) of the window at {@code (oy, ox)}. */
    private static int windowMax(float[] x, int plane, Window2d win, int oy, int ox) {
        int top = oy * win.sh() - win.ph();
        int left = ox * win.sw() - win.pw();
        int ky0 = Window2d.firstInside(win.dh(), 0, top);
        int ky1 = Window2d.endInside(win.h(), win.kh(), win.dh(), 0, top);
        int kx0 = Window2d.firstInside(win.dw(), 0, left);
        int kx1 = Window2d.endInside(win.w(), win.kw(), win.dw(), 0, left);
        int best = plane + (top + ky0 * win.dh()) * win.w() + left + kx0 * win.dw();
        float max = x[best];
        for (int ky = ky0; ky < ky1; ky++) {
            int row = plane + (top + ky * win.dh()) * win.w() + left;
            for (int kx = kx0; kx < kx1; kx++) {
                int i = row + kx * win.dw();
                float v = x[i];
                if (v > max) {
                    best = i;
                    max = v;
                } else if (v != v) {
                    return max != max ? best : i;
                }
            }
        }
        return best;
    }

    /**
     * The mean of each window, as {@code F.avg_pool2d}: with {@code countIncludePad} (PyTorch's default) the
     * padding counts as zeros in the divisor, which is the window's size within the padded input (kH·kW but
     * where {@code ceilMode} lets a last window run past it); without, the divisor is the number of input
     * pixels in the window.
     */
    static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
                            boolean countIncludePad) {
        Window2d win = window("avgPool2d", x, kernel, stride, padding, new int[] {1}, ceilMode);
        float[] xv = x.requireFloat("avgPool2d");
        int planes = planes(x);
        float[] divisor = divisors(win, countIncludePad);
        float[] out = new float[planes * win.planeOut()];
        forEachWindowTap(planes, win, (o, i) -> out[o] += xv[i]);
        int per = win.planeOut();
        for (int o = 0; o < out.length; o++) {
            out[o] /= divisor[o % per];
        }
        return Autograd.record(new Tensor(out, outShape(x, win)), g -> {
            float[] gx = new float[xv.length];
            forEachWindowTap(planes, win, (o, i) -> gx[i] += g[o] / divisor[o % per]);
            x.accumulateGrad(gx);
        }, x);
    }

    /** Each output position's divisor, by PyTorch's rule (see {@link #avgPool2d}). */
    private static float[] divisors(Window2d win, boolean countIncludePad) {
        float[] d = new float[win.planeOut()];
        for (int oy = 0; oy < win.oh(); oy++) {
            int rows = extent(oy * win.sh() - win.ph(), win.kh(), win.h(), win.ph(), countIncludePad);
            for (int ox = 0; ox < win.ow(); ox++) {
                d[oy * win.ow() + ox] = rows * extent(ox * win.sw() - win.pw(), win.kw(), win.w(), win.pw(),
                        countIncludePad);
            }
        }
        return d;
    }

    /** A window's extent along one side: within the padded input, or within the input alone. */
    private static int extent(int start, int k, int in, int pad, boolean includePad) {
        int end = Math.min(start + k, in + pad);
        return includePad ? end - start : Math.min(end, in) - Math.max(start, 0);
    }

    private interface Tap {
        void accept(int out, int in);
    }

    /** Calls {@code tap} for every (output, input) pair of every window that lies inside the input. */
    private static void forEachWindowTap(int planes, Window2d win, Tap tap) {
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < win.oh(); oy++) {
                for (int ky = 0; ky < win.kh(); ky++) {
                    int iy = oy * win.sh() - win.ph() + ky;
                    if (iy < 0 || iy >= win.h()) {
                        continue;
                    }
                    for (int ox = 0; ox < win.ow(); ox++) {
                        int o = (pl * win.oh() + oy) * win.ow() + ox;
                        for (int kx = 0; kx < win.kw(); kx++) {
                            int ix = ox * win.sw() - win.pw() + kx;
                            if (ix >= 0 && ix < win.w()) {
                                tap.accept(o, pl * win.planeIn() + iy * win.w() + ix);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The mean over each of {@code outH x outW} bins that cover the input: bin i spans rows
     * {@code floor(i·H/outH)} to {@code ceil((i+1)·H/outH)}, so bins may overlap and differ in size.
     */
    static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        int[] s = x.shapeRef();
        checkRank("adaptiveAvgPool2d", s);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size must be positive, got ("
                    + outH + ", " + outW + ")");
        }
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        float[] xv = x.requireFloat("adaptiveAvgPool2d");
        int planes = planes(x);
        float[] out = new float[planes * outH * outW];
        int[] so = s.clone();
        so[s.length - 2] = outH;
        so[s.length - 1] = outW;
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    out[(pl * outH + oy) * outW + ox] = binMean(xv, pl * h * w, h, w, oy, outH, ox, outW);
                }
            }
        }
        return Autograd.record(new Tensor(out, so), g -> {
            float[] gx = new float[xv.length];
            for (int pl = 0; pl < planes; pl++) {
                for (int oy = 0; oy < outH; oy++) {
                    int y0 = binStart(oy, h, outH);
                    int y1 = binEnd(oy, h, outH);
                    for (int ox = 0; ox < outW; ox++) {
                        int x0 = binStart(ox, w, outW);
                        int x1 = binEnd(ox, w, outW);
                        float share = g[(pl * outH + oy) * outW + ox] / ((y1 - y0) * (x1 - x0));
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                gx[pl * h * w + iy * w + ix] += share;
                            }
                        }
                    }
                }
            }
            x.accumulateGrad(gx);
        }, x);
    }

    private static float binMean(float[] x, int plane, int h, int w, int oy, int outH, int ox, int outW) {
        int y0 = binStart(oy, h, outH);
        int y1 = binEnd(oy, h, outH);
        int x0 = binStart(ox, w, outW);
        int x1 = binEnd(ox, w, outW);
        float sum = 0;
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                sum += x[plane + iy * w + ix];
            }
        }
        return sum / ((y1 - y0) * (x1 - x0));
    }

    private static int binStart(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    private static int binEnd(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }

    /** Checks the input and the settings; PyTorch refuses a padding of more than half the kernel. */
    private static Window2d window(String op, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                   boolean ceilMode) {
        int[] s = x.shapeRef();
        checkRank(op, s);
        int[] k = Window2d.pair(op, "kernel_size", kernel);
        int[] p = Window2d.pair(op, "padding", padding);
        if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
            throw new IllegalArgumentException(op + ": padding should be at most half of kernel_size, got padding ("
                    + p[0] + ", " + p[1] + ") and kernel_size (" + k[0] + ", " + k[1] + ")");
        }
        return Window2d.of(op, s[s.length - 2], s[s.length - 1], k, Window2d.pair(op, "stride", stride), p,
                Window2d.pair(op, "dilation", dilation), ceilMode);
    }

    private static void checkRank(String op, int[] s) {
        if (s.length != 3 && s.length != 4) {
            throw new IllegalArgumentException(op + ": expected an image batch [N, C, H, W] or one image [C, H, W],"
                    + " got input of shape " + Shapes.str(s));
        }
    }

    /** How many [H, W] planes the input holds. */
    private static int planes(Tensor x) {
        int[] s = x.shapeRef();
        return Shapes.outer(s, s.length - 2);
    }

    private static int[] outShape(Tensor x, Window2d win) {
        int[] so = x.shape();
        so[so.length - 2] = win.oh();
        so[so.length - 1] = win.ow();
        return so;
    }
}
