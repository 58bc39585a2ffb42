package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * A stride-1 convolution with kernels five rows high, by Winograd's minimal filtering F(4, 5) down each column:
 * four output rows from eight input rows with 8 multiplications per kernel column, input channel and output
 * channel, where the direct convolution takes 20. Tiles run down the columns, so that every transform combines
 * whole rows ({@link Kernels#winogradInput} and its kin: contiguous vectors, no gathers); the input channels and
 * the kernel's columns are summed in the transformed domain by {@link Kernels#correlate}, once per point, over
 * the points' planes laid out like a padded image, rows {@code rs} apart, the columns past a row's data zero and
 * shared with the next row's left padding.
 *
 * <p>With the points 0, ±1, ±2, ±1/2 and infinity: per channel, the padded input's rows 4i..4i+7 give tile row
 * i of the points' planes, {@code v[ξ] = Σ_k BT[ξ][k]·row(4i + k)} (the rows are kept in four phases, row y in
 * phase y % 4, so that each term is one run over every tile of every channel); the products {@code m[ξ][o] =
 * Σ_{c, kx} u[ξ][c, kx][o]·v[ξ][c] shifted by kx}, with the transformed weights {@code u[ξ] = Σ_ky G[ξ][ky]·
 * w[·, ·, ky, ·]}, give the output rows {@code out[o][4i + k] = Σ_ξ AT[k][ξ]·m[ξ][o][i]}. The backward runs the
 * same maps transposed: the output gradient's rows into the points ({@code AT}ᵀ), through the transformed
 * weights ({@link Kernels#correlate} with the kernel's columns flipped), back to the input's rows ({@code BT}ᵀ,
 * a tile's last four rows added to the next tile's first four); and the transformed weights' gradient
 * ({@link Kernels#correlateWeightsRows} of the points' planes against the output gradient's points, channels
 * across the lanes), back to the weight ({@code G}ᵀ). Results differ from the direct convolution's by
 * rounding (about 1.5e-6 of the largest output); an infinite input gives NaN.
 */
final class Winograd {
    /** Points per tile, output rows per tile, and the kernel's height. */
    private static final int POINTS = 8;
    private static final int OUT = 4;
    private static final int ROWS = 5;
    /** Input channels from which the transforms pay: each transformed input serves every output channel. */
    private static final int MIN_CHANNELS = 8;
    /**
     * Planes of whole vectors of this many floats (the widest, 512 bits): masked loads and stores are no
     * intrinsics on JDK 17, and a plane's tail ran as boxed Java code.
     */
    private static final int WHOLE = 16;

    /*
     * AT (4x8) evaluates the four outputs' polynomial at the points; BT (8x8) is the inverse evaluation, its rows
     * scaled to small dyadic numbers, exact in floats, so that only the weights' transform G (once per step)
     * rounds its coefficients. Their products with rows are WinogradRows', written out with shared sums. G's rows'
     * scales for the points ±1, ±2 and ±1/2:
     */
    private static final double ONE = 1 / 4.5;
    private static final double TWO = 1 / 360.0;
    private static final double HALF = 16 / 45.0;
    private static final ThreadLocal<float[]> PADDED = Scratch.perThread();
    private static final ThreadLocal<float[]> POINT_PLANES = Scratch.perThread();
    private static final ThreadLocal<float[]> PRODUCTS = Scratch.perThread();
    private static final ThreadLocal<float[]> GRAD_POINTS = Scratch.perThread();
    private static final ThreadLocal<float[]> GRID = Scratch.perThread();

    private final int c;
    private final int o;
    private final int kw;
    private final Window2d win;
    /** Tile rows (four output rows each) and the row stride of every plane. */
    private final int tiles;
    private final int rs;
    /**
     * A channel's plane of points (tiles·rs, positions of the products) and its stride (one more, zero, tile
     * row: what reads past the last tile row finds); a point's planes of the input [C], of the products and of
     * the output gradient [O], the latter with zero slack.
     */
    private final int plane;
    private final int stride;
    private final int inPoints;
    private final int outPlane;
    /**
     * Where the products' (and the output's phases', and the output gradient's) planes start, one plane apart
     * and some whole vectors more: with planes a multiple of 4 KB apart (2048 floats for the anchor's second
     * layer), a transform's eight rows fell in one set of the L1 cache, and its loads waited on its stores to
     * rows 4 KB away (4K aliasing).
     */
    private final int outStride;
    private final int outPoints;
    /** Zero columns left of the output gradient's rows: the input gradient's correlation reads them. */
    private final int margin;
    private final int[] taps;
    private final int[] backTaps;
    /** Where each input channel's plane of points starts: the weight gradient's kernel rows, in the points. */
    private final int[] channelStarts;
    /**
     * The transforms' rows: the padded input's eight rows of a tile, in its four phases; the products' eight
     * planes (and the output gradient's four phases, at the same offsets); the input gradient's eight points.
     */
    private final int[] inputRows;
    private final int[] productRows;
    private final int[] gradRows;
    private final int[] gradPointRows;

    private Winograd(int c, int o, Window2d win) {
        this.c = c;
        this.o = o;
        this.kw = win.kw();
        this.win = win;
        this.tiles = (win.oh() + OUT - 1) / OUT;
        int row = Math.max(win.w() + win.pw(), win.ow());
        while (tiles * row % WHOLE != 0) {
            row++;
        }
        this.rs = row;
        this.plane = tiles * rs;
        this.stride = plane + rs;
        this.inPoints = c * stride;
        this.outPlane = o * plane;
        this.outStride = spread(outPlane);
        this.outPoints = spread(outPlane + kw);
        this.margin = kw - 1 - win.pw();
        this.taps = new int[c * kw];
        for (int ch = 0; ch < c; ch++) {
            for (int kx = 0; kx < kw; kx++) {
                taps[ch * kw + kx] = ch * stride + kx;
            }
        }
        this.backTaps = new int[o * kw];
        for (int oc = 0; oc < o; oc++) {
            for (int kx = 0; kx < kw; kx++) {
                backTaps[oc * kw + kx] = oc * plane + kx;
            }
        }
        this.channelStarts = new int[c];
        this.inputRows = new int[POINTS];
        this.productRows = new int[POINTS];
        this.gradPointRows = new int[POINTS];
        for (int ch = 0; ch < c; ch++) {
            channelStarts[ch] = ch * stride;
        }
        for (int k = 0; k < POINTS; k++) {
            inputRows[k] = k % OUT * inPoints + k / OUT * rs;
            productRows[k] = k * outStride;
            gradPointRows[k] = k * inPoints;
        }
        this.gradRows = Arrays.copyOf(productRows, OUT);
    }

    /**
     * The transform for a convolution of c input and o output channels over {@code win}, ungrouped, or null
     * where it does not apply: strides and dilations other than 1, kernels other than five rows high, a
     * padding of the columns past the kernel's width less one, or fewer than {@link #MIN_CHANNELS} channels
     * in or out.
     */
    static Winograd of(int c, int o, int groups, Window2d win) {
        boolean fits = groups == 1 && win.sh() == 1 && win.sw() == 1 && win.dh() == 1 && win.dw() == 1
                && win.kh() == ROWS && win.pw() <= win.kw() - 1 && c >= MIN_CHANNELS && o >= MIN_CHANNELS;
        return fits ? new Winograd(c, o, win) : null;
    }

    /**
     * The weight [O, C, 5, kW] transformed, per point [C·kW, O]: the forward's operand. Summed in double (the
     * points' coefficients reach 16 and cancel). The input channels are shared among the threads, so that each
     * writes whole rows of output channels: shared by output channel, the threads wrote the same cache lines
     * and two took longer than one.
     */
    float[] weights(float[] w) {
        int k = taps.length;
        float[] u = new float[POINTS * k * o];
        Parallel.forEach(c, ch -> {
            double[] points = new double[POINTS];
            for (int kx = 0; kx < kw; kx++) {
                int t = ch * kw + kx;
                for (int oc = 0; oc < o; oc++) {
                    columnPoints(w, (oc * c + ch) * ROWS * kw + kx, kw, points);
                    for (int p = 0; p < POINTS; p++) {
                        u[(p * k + t) * o + oc] = (float) points[p];
                    }
                }
            }
        });
        return u;
    }

    /**
     * The transformed weight laid out for the input gradient: per point [O·kW, C], the kernel's columns flipped;
     * a point per task, into an array of {@link GradBuffers}, to be given back after the backward.
     */
    float[] backWeights(float[] u) {
        int k = taps.length;
        float[] ub = GradBuffers.take(u.length);
        Parallel.forEach(POINTS, p -> {
            for (int ch = 0; ch < c; ch++) {
                for (int kx = 0; kx < kw; kx++) {
                    for (int oc = 0; oc < o; oc++) {
                        ub[(p * o * kw + oc * kw + kw - 1 - kx) * c + ch] = u[(p * k + ch * kw + kx) * o + oc];
                    }
                }
            }
        });
        return ub;
    }

    /** Image s's output [O, oh, ow] at {@code out[at..]}, without bias: the caller adds it. */
    void forward(float[] x, float[] u, int s, float[] out, int at) {
        float[] v = Scratch.floats(POINT_PLANES, POINTS * inPoints);
        transformInput(x, s, v);
        float[] m = Scratch.floats(PRODUCTS, POINTS * outStride);
        for (int p = 0; p < POINTS; p++) {
            Kernels.get().correlate(v, p * inPoints, taps, u, p * taps.length * o, o, o, plane, m, p * outStride,
                    plane);
        }
        float[] phases = Scratch.floats(GRID, OUT * outStride);
        Kernels.get().winogradOutput(m, 0, productRows, phases, 0, outStride, outPlane);
        int oh = win.oh();
        int ow = win.ow();
        for (int oc = 0; oc < o; oc++) {
            for (int y = 0; y < oh; y++) {
                System.arraycopy(phases, y % OUT * outStride + (oc * tiles + y / OUT) * rs, out,
                        at + (oc * oh + y) * ow, ow);
            }
        }
    }

    /**
     * Image s's input, padded and split by row into four phases ([4][C, tiles + 1, rs]: padded row y in phase
     * y % 4, tile row y / 4), transformed into the points' planes at {@code v} ([8][C, tiles + 1, rs]).
     */
    private void transformInput(float[] x, int s, float[] v) {
        int h = win.h();
        int w = win.w();
        int size = OUT * inPoints + rs;
        float[] padded = Scratch.floats(PADDED, size);
        Arrays.fill(padded, 0, size, 0f);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int py = y + win.ph();
                System.arraycopy(x, ((s * c + ch) * h + y) * w, padded,
                        py % OUT * inPoints + ch * stride + py / OUT * rs + win.pw(), w);
            }
        }
        Kernels.get().winogradInput(padded, 0, inputRows, v, 0, inPoints, inPoints);
    }

    /**
     * The images [from, end)'s backward: the input gradient into {@code gx} (if any), and their sum of the
     * transformed weights' gradient written at {@code du[at..]} (if {@code du} is given), per point [C·kW, O].
     */
    void backward(float[] g, float[] x, float[] ub, int from, int end, float[] du, int at, Tensor.GradOut gx) {
        int k = taps.length;
        for (int s = from; s < end; s++) {
            if (gx != null) {
                float[] dm = Scratch.floats(GRAD_POINTS, POINTS * outPoints);
                gradientPoints(g, s, dm, false);
                inputGrad(dm, ub, s, gx);
            }
            if (du != null) {
                float[] v = Scratch.floats(POINT_PLANES, POINTS * inPoints);
                transformInput(x, s, v);
                float[] dmT = Scratch.floats(GRAD_POINTS, POINTS * outStride);
                gradientPoints(g, s, dmT, true);
                for (int p = 0; p < POINTS; p++) {
                    Kernels.get().correlateWeightsRows(v, p * inPoints, channelStarts, kw, dmT, p * outStride, o, o,
                            plane, du, at + p * k * o, o, s != from);
                }
            }
        }
    }

    /**
     * Image s's output gradient carried to the points, split by row into four phases first: at {@code dm} per
     * point [O, tiles, rs] with zero slack, each row's values from column {@link #margin} (the input gradient
     * reads it); or, {@code transposed}, per point [tiles·rs, O] (the weight gradient's, the output channels
     * across the lanes). Every other column is zero.
     */
    private void gradientPoints(float[] g, int s, float[] dm, boolean transposed) {
        int oh = win.oh();
        int ow = win.ow();
        int size = OUT * outStride;
        float[] rows = Scratch.floats(PADDED, size);
        Arrays.fill(rows, 0, size, 0f);
        int outputPlane = oh * ow;
        for (int y = 0; y < oh; y++) {
            int phase = y % OUT * outStride;
            for (int oc = 0; oc < o && !transposed; oc++) {
                System.arraycopy(g, (s * o + oc) * outputPlane + y * ow, rows,
                        phase + (oc * tiles + y / OUT) * rs + margin, ow);
            }
            // The channels across the lanes: written in order, each read from the image (in L1) a plane apart.
            for (int xx = 0, to = phase + y / OUT * rs * o; xx < ow && transposed; xx++) {
                for (int oc = 0, from = s * o * outputPlane + y * ow + xx; oc < o; oc++, to++, from += outputPlane) {
                    rows[to] = g[from];
                }
            }
        }
        Kernels.get().winogradOutputGrad(rows, 0, gradRows, dm, 0, transposed ? outStride : outPoints, outPlane);
        for (int p = 0; p < POINTS && !transposed; p++) {
            Arrays.fill(dm, p * outPoints + outPlane, (p + 1) * outPoints, 0f);
        }
    }

    /**
     * Image s's input gradient from its output gradient's points at {@code dm}: through the flipped weights to
     * the points of the input ([8][C, tiles + 1, rs], each channel's last tile row zero), then back to the
     * padded input's rows in their four phases, a tile's last four rows added to the next tile's first.
     */
    private void inputGrad(float[] dm, float[] ub, int s, Tensor.GradOut gx) {
        float[] dv = Scratch.floats(PRODUCTS, POINTS * inPoints);
        for (int p = 0; p < POINTS; p++) {
            Kernels.get().correlate(dm, p * outPoints, backTaps, ub, p * backTaps.length * c, c, c, plane, dv,
                    p * inPoints, stride);
            for (int ch = 0; ch < c; ch++) {
                int last = p * inPoints + ch * stride + plane;
                Arrays.fill(dv, last, last + rs, 0f);
            }
        }
        // One tile row of slack past the last phase: the second pass adds the channels' zero last rows there.
        float[] rows = Scratch.floats(GRID, OUT * inPoints + rs);
        Kernels.get().winogradInputGrad(dv, 0, gradPointRows, rows, 0, inPoints, inPoints, false);
        Kernels.get().winogradInputGrad(dv, 0, gradPointRows, rows, rs, inPoints, inPoints, true);
        int h = win.h();
        int w = win.w();
        float[] out = gx.array();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int py = y + win.ph();
                int src = py % OUT * inPoints + ch * stride + py / OUT * rs;
                int dst = ((s * c + ch) * h + y) * w;
                if (gx.accumulate()) {
                    for (int xx = 0; xx < w; xx++) {
                        out[dst + xx] += rows[src + xx];
                    }
                } else {
                    System.arraycopy(rows, src, out, dst, w);
                }
            }
        }
    }

    /**
     * The weight's gradient [O, C, 5, kW] from the transformed weights' at {@code du}, written or added; the
     * output channels shared among the threads.
     */
    void weightGrad(float[] du, Tensor.GradOut gw) {
        int k = taps.length;
        float[] out = gw.array();
        Parallel.forEach(o, oc -> {
            double[] points = new double[POINTS];
            double[] rows = new double[ROWS];
            for (int ch = 0; ch < c; ch++) {
                for (int kx = 0; kx < kw; kx++) {
                    for (int p = 0; p < POINTS; p++) {
                        points[p] = du[(p * k + ch * kw + kx) * o + oc];
                    }
                    columnRows(points, rows);
                    for (int ky = 0; ky < ROWS; ky++) {
                        int i = ((oc * c + ch) * ROWS + ky) * kw + kx;
                        out[i] = gw.accumulate() ? out[i] + (float) rows[ky] : (float) rows[ky];
                    }
                }
            }
        });
    }

    /** Floats of the transformed weights' gradient: per point [C·kW, O]. */
    int weightGradSize() {
        return POINTS * o * taps.length;
    }

    /** The least whole number of vectors, odd, that holds {@code floats}: planes this far apart share no L1 set. */
    private static int spread(int floats) {
        int vectors = (floats + WHOLE - 1) / WHOLE;
        return (vectors | 1) * WHOLE;
    }

    /*
     * G (8x5) evaluates a kernel column at the points 0, ±1, ±2, ±1/2 (1, p, p², p³, p⁴, each row divided by the
     * scale that made BT's row dyadic: 1, 4.5, 360, 45/16) and at infinity (its leading coefficient). A pair ±p
     * shares the column's even part e and odd part d: e + d and e - d. Its transpose takes the pairs' sums to the
     * even rows and their differences to the odd ones.
     */

    /** G times the kernel column of five rows {@code step} apart from {@code w[at]}, in double. */
    private static void columnPoints(float[] w, int at, int step, double[] points) {
        double w0 = w[at];
        double w1 = w[at + step];
        double w2 = w[at + 2 * step];
        double w3 = w[at + 3 * step];
        double w4 = w[at + 4 * step];
        double e1 = w0 + w2 + w4;
        double d1 = w1 + w3;
        double e2 = w0 + 4 * w2 + 16 * w4;
        double d2 = 2 * w1 + 8 * w3;
        double e5 = w0 + 0.25 * w2 + 0.0625 * w4;
        double d5 = 0.5 * w1 + 0.125 * w3;
        points[0] = w0;
        points[1] = (e1 + d1) * ONE;
        points[2] = (e1 - d1) * ONE;
        points[3] = (e2 + d2) * TWO;
        points[4] = (e2 - d2) * TWO;
        points[5] = (e5 + d5) * HALF;
        points[6] = (e5 - d5) * HALF;
        points[7] = w4;
    }

    /** Gᵀ times the eight points' values: the five rows of a kernel column, in double. */
    private static void columnRows(double[] points, double[] rows) {
        double s1 = (points[1] + points[2]) * ONE;
        double m1 = (points[1] - points[2]) * ONE;
        double s2 = (points[3] + points[4]) * TWO;
        double m2 = (points[3] - points[4]) * TWO;
        double s5 = (points[5] + points[6]) * HALF;
        double m5 = (points[5] - points[6]) * HALF;
        rows[0] = points[0] + s1 + s2 + s5;
        rows[1] = m1 + 2 * m2 + 0.5 * m5;
        rows[2] = s1 + 4 * s2 + 0.25 * s5;
        rows[3] = m1 + 8 * m2 + 0.125 * m5;
        rows[4] = s1 + 16 * s2 + 0.0625 * s5 + points[7];
    }
}
