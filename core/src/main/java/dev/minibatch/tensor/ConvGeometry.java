package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * A {@link Convolution}'s sizes, and its work on one image (or on a run of them, for the weight gradient): n
 * images of c channels, o output channels in groups, k = c/groups·kH·kW; a group's unrolled image as offsets
 * into the padded image; where the stride is 1 and groups have at least {@link #MIN_DIRECT_CHANNELS} input
 * channels, the window of the input gradient's convolution over the output gradient ({@link #transposed}) and
 * its offsets; whether the forward, and the weight gradient, are direct; where the weight gradient's kernel
 * rows start, if it goes by rows; the span of an output plane on the padded grid; and {@link Winograd}'s
 * transform where it applies, which then takes the forward and the whole backward.
 */
record ConvGeometry(int n, int c, int o, int groups, Window2d win, int k, int og, int cg,
                    Im2col.Offsets offsets, Window2d back, Im2col.Offsets backOffsets, boolean direct,
                    boolean directWeights, int[] weightRows, int span, Winograd winograd) {
    /** The most floats of padded images and output gradients a thread gathers for one weight-gradient call. */
    private static final int RUN_FLOATS = 1 << 18;
    /**
     * The fewest input channels per group for the input gradient as a convolution: they are its output
     * channels, which the vector kernel's tiles take 8 at a time, one alone in a single chain of multiply-adds
     * (with one channel, an image's first layer, the unrolled product used before ran several times slower
     * than col2im).
     */
    private static final int MIN_DIRECT_CHANNELS = 8;
    /**
     * From this many output channels per group, the weight gradient of a stride-1 convolution stays the
     * product {@code dWᵀ = col·gᵀ} with the channels across the lanes: they fill whole vectors, where the
     * direct kernel's grid computes, and wastes, the padding columns (2 of every 16 positions in the anchor's
     * second layer, 32 channels, where the product still made the whole step about 8% faster).
     */
    private static final int ROWS_WEIGHT_GRAD_CHANNELS = 32;
    /**
     * The kernel width whose weight gradient, from {@link #ROWS_WEIGHT_GRAD_CHANNELS} channels, goes through
     * {@link Kernels#correlateWeightsRows}: its vector tiles shift a row of five taps' inputs in registers.
     */
    private static final int ROW_TAPS = 5;
    /** Each thread's zero-padded image (a run of them for the weight gradient), or output gradient. */
    private static final ThreadLocal<float[]> COL = Scratch.perThread();
    /** Each thread's gradient of its unrolled image, for strides other than 1. */
    private static final ThreadLocal<float[]> GRAD_COL = Scratch.perThread();
    /** Each thread's output or output gradient: of one image on the padded grid or transposed, [P, O]; or a run's. */
    private static final ThreadLocal<float[]> ROWS = Scratch.perThread();

    ConvGeometry(int n, int c, int o, int groups, Window2d win) {
        this(n, c, o, groups, win, c / groups < MIN_DIRECT_CHANNELS ? null : transposed(win), o / groups,
                win.sh() == 1 && win.sw() == 1);
    }

    private ConvGeometry(int n, int c, int o, int groups, Window2d win, Window2d back, int og, boolean direct) {
        this(n, c, o, groups, win, back, og, direct, Im2col.Offsets.of(win, c / groups));
    }

    private ConvGeometry(int n, int c, int o, int groups, Window2d win, Window2d back, int og, boolean direct,
                         Im2col.Offsets offsets) {
        this(n, c, o, groups, win, c / groups * win.kh() * win.kw(), og, c / groups, offsets, back,
                back == null ? null : Im2col.Offsets.of(back, og), direct, direct && og < ROWS_WEIGHT_GRAD_CHANNELS,
                weightRows(win, og, offsets), PaddedGrid.span(win), Winograd.of(c, o, groups, win));
    }

    /**
     * Where each kernel row of the unrolled image starts, if the weight gradient goes through
     * {@link Kernels#correlateWeightsRows}: stride 1, groups of at least {@link #ROWS_WEIGHT_GRAD_CHANNELS}
     * output channels, rows of {@link #ROW_TAPS} taps one column apart. Null otherwise.
     */
    private static int[] weightRows(Window2d win, int og, Im2col.Offsets offsets) {
        if (win.sh() != 1 || win.sw() != 1 || og < ROWS_WEIGHT_GRAD_CHANNELS || win.kw() != ROW_TAPS
                || win.dw() != 1) {
            return null;
        }
        return offsets.rowStarts(ROW_TAPS);
    }

    /**
     * With stride 1, the input gradient is a convolution of the output gradient, padded by
     * {@code (k-1)·d - p}, with the kernel flipped: its window, over [oh, ow] and giving [h, w]; or
     * null for other strides, or a padding past that, which go through col2im (as do narrow groups).
     */
    private static Window2d transposed(Window2d win) {
        int qh = (win.kh() - 1) * win.dh() - win.ph();
        int qw = (win.kw() - 1) * win.dw() - win.pw();
        if (win.sh() != 1 || win.sw() != 1 || qh < 0 || qw < 0) {
            return null;
        }
        return Window2d.of("conv2d", win.oh(), win.ow(), new int[] {win.kh(), win.kw()}, new int[] {1, 1},
                new int[] {qh, qw}, new int[] {win.dh(), win.dw()}, false);
    }

    /**
     * The weight as the input gradient's convolution reads it, per group [og·kH·kW, cg]: row
     * (oc, ky, kx) holds W[oc, ·, kH-1-ky, kW-1-kx].
     */
    float[] flipped(float[] w) {
        int taps = win.kh() * win.kw();
        float[] f = new float[o * k];
        for (int oc = 0; oc < o; oc++) {
            int group = oc / og * og * taps * cg;
            for (int cc = 0; cc < cg; cc++) {
                for (int t = 0; t < taps; t++) {
                    int row = oc % og * taps + taps - 1 - t;
                    f[group + row * cg + cc] = w[(oc * cg + cc) * taps + t];
                }
            }
        }
        return f;
    }

    /** This thread's scratch, holding image s zero-padded. */
    float[] pad(float[] x, int s) {
        float[] padded = Scratch.floats(COL, offsets.size(c));
        Im2col.pad(x, s * c * win.planeIn(), c, win, padded, 0);
        return padded;
    }

    /**
     * Image s's output [O, P] at {@code out[at..]}, bias (and ReLU) included: by {@link Winograd} where it applies
     * ({@code wT} is then its transformed weight); else for stride 1, per group on the
     * padded grid, Wᵀ's columns broadcast against runs of the padded image; otherwise per group
     * outᵀ = colᵀ·Wᵀ [P, og], col read in place from the padded image (unrolling it, and packing W for each
     * image, cost more than the transpose).
     */
    void forward(float[] x, float[] wT, float[] b, int s, float[] out, int at, boolean relu) {
        int p = win.planeOut();
        if (winograd != null) {
            winograd.forward(x, wT, s, out, at);
        } else if (direct) {
            float[] padded = pad(x, s);
            float[] grid = Scratch.floats(ROWS, o * span);
            for (int gr = 0; gr < groups; gr++) {
                Kernels.get().correlate(padded, gr * cg * offsets.paddedPlane(), offsets.taps(), wT, gr * og, o,
                        og, span, grid, gr * og * span, span);
            }
            PaddedGrid.take(grid, o, span, offsets.rowStride(), win.oh(), win.ow(), out, at, false);
        } else {
            float[] padded = pad(x, s);
            float[] outT = Scratch.floats(ROWS, p * o);
            for (int gr = 0; gr < groups; gr++) {
                Kernels.get().gemmUnrolled(padded, gr * cg * offsets.paddedPlane(), offsets.positions(),
                        offsets.taps(), wT, gr * og, o, og, outT, gr * p * og, false);
            }
            fromRows(outT, groups, og, p, out, at, false);
        }
        for (int ch = 0; ch < o; ch++) {
            float bias = b == null ? 0f : b[ch];
            int i = at + ch * p;
            int end = i + p;
            if (relu) {
                for (; i < end; i++) {
                    out[i] = Math.max(out[i] + bias, 0f);
                }
            } else if (b != null) {
                for (; i < end; i++) {
                    out[i] += bias;
                }
            }
        }
    }

    /**
     * Adds (or writes, unless {@code accumulate}) image s's share of dW at {@code dwT[at..]}, per group
     * as dWᵀ = col·gᵀ [k, og]: col is read in place from the padded image, as a tap's offset plus a
     * window position's, where unrolling it cost a third of an epoch; gᵀ (P·O floats, not P·k) is copied.
     */
    void weightGrad(float[] g, float[] x, int s, float[] dwT, int at, boolean accumulate) {
        int p = win.planeOut();
        float[] padded = pad(x, s);
        if (weightRows != null) {
            float[] gT = Scratch.floats(ROWS, span * o);
            PaddedGrid.putTransposed(g, s * o * p, o, win, span, gT);
            for (int gr = 0; gr < groups; gr++) {
                Kernels.get().correlateWeightsRows(padded, gr * cg * offsets.paddedPlane(), weightRows, win.kw(),
                        gT, gr * og, o, og, span, dwT, at + gr * k * og, og, accumulate);
            }
            return;
        }
        float[] gT = transpose(g, s * o * p, o, p, Scratch.floats(ROWS, p * o));
        for (int gr = 0; gr < groups; gr++) {
            Kernels.get().gemmUnrolled(padded, gr * cg * offsets.paddedPlane(), offsets.taps(),
                    offsets.positions(), gT, gr * og, o, og, dwT, at + gr * k * og, accumulate);
        }
    }

    /**
     * Image s's input gradient for stride 1, as {@link #transposed}'s convolution of the padded output
     * gradient with the {@link #flipped} weight, on its grid. It neither writes nor folds back a dcol of
     * k·P floats per image.
     */
    void inputGradDirect(float[] g, float[] wFlip, int s, Tensor.GradOut gx) {
        int padded = backOffsets.paddedPlane();
        float[] gPad = Scratch.floats(COL, backOffsets.size(o));
        Im2col.pad(g, s * o * win.planeOut(), o, back, gPad, 0);
        int backSpan = PaddedGrid.span(back);
        float[] grid = Scratch.floats(ROWS, c * backSpan);
        for (int gr = 0; gr < groups; gr++) {
            Kernels.get().correlate(gPad, gr * og * padded, backOffsets.taps(), wFlip,
                    gr * og * win.kh() * win.kw() * cg, cg, cg, backSpan, grid, gr * cg * backSpan, backSpan);
        }
        PaddedGrid.take(grid, c, backSpan, backOffsets.rowStride(), win.h(), win.w(), gx.array(),
                s * c * win.planeIn(), gx.accumulate());
    }

    /**
     * Writes the share of images [from, end) of dW at {@code dw[at..]}, [O, k], for stride 1: per group
     * and run of images, {@link Kernels#correlateWeights} of the output gradient laid on the padded grid
     * against the padded images; a run's images are padded at once so that the kernel sums over all of
     * them before it adds up its vectors' lanes.
     */
    void weightGradDirect(float[] g, float[] x, int from, int end, float[] dw, int at) {
        int plane = offsets.paddedPlane();
        int inImage = offsets.size(c);
        int gImage = o * span;
        int run = Math.max(1, RUN_FLOATS / (inImage + gImage));
        for (int first = from; first < end; first += run) {
            int images = Math.min(run, end - first);
            float[] padded = Scratch.floats(COL, images * inImage);
            float[] grid = Scratch.floats(ROWS, images * gImage);
            for (int i = 0; i < images; i++) {
                Im2col.pad(x, (first + i) * c * win.planeIn(), c, win, padded, i * inImage);
                Arrays.fill(padded, i * inImage + c * plane, (i + 1) * inImage, 0f);
                PaddedGrid.put(g, (first + i) * o * win.planeOut(), o, win, span, grid, i * gImage);
            }
            for (int gr = 0; gr < groups; gr++) {
                Kernels.get().correlateWeights(grid, gr * og * span, span, gImage, og, padded, gr * cg * plane,
                        inImage, offsets.taps(), span, images, dw, at + gr * og * k, k, first != from);
            }
        }
    }

    /** Adds image s's sum of each output channel's gradient to {@code sums[at + channel]}. */
    void biasGrad(float[] g, int s, double[] sums, int at) {
        Kernels.get().sumPlanes(g, s * o * win.planeOut(), o, win.planeOut(), sums, at);
    }

    /** Image s's input gradient: dcol = Wᵀ·g, folded back onto the image. */
    void inputGrad(float[] g, float[] w, int s, Tensor.GradOut gx) {
        int p = win.planeOut();
        float[] dcol = Scratch.floats(GRAD_COL, c * win.kh() * win.kw() * p);
        for (int gr = 0; gr < groups; gr++) {
            Kernels.get().gemm(true, false, k, p, og, w, gr * og * k, g, (s * o + gr * og) * p, dcol, gr * k * p,
                    false);
        }
        int from = s * c * win.planeIn();
        if (!gx.accumulate()) {
            Arrays.fill(gx.array(), from, from + c * win.planeIn(), 0f);
        }
        Im2col.col2im(dcol, c, win, gx.array(), from);
    }

    /** The [rows, cols] matrix at {@code m[from..]} transposed into {@code t} as [cols, rows]; returns t. */
    static float[] transpose(float[] m, int from, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0, at = from + r * cols; c < cols; c++) {
                t[c * rows + r] = m[at + c];
            }
        }
        return t;
    }

    /**
     * Writes (or adds) per-group rows [groups][p][per] into an image's planes [groups·per, p] at
     * {@code to[at..]}: the transpose of each group's block.
     */
    private static void fromRows(float[] rows, int groups, int per, int p, float[] to, int at, boolean accumulate) {
        for (int ch = 0; ch < groups * per; ch++) {
            int from = ch / per * p * per + ch % per;
            for (int i = 0, dst = at + ch * p; i < p; i++) {
                float v = rows[from + i * per];
                to[dst + i] = accumulate ? to[dst + i] + v : v;
            }
        }
    }
}
