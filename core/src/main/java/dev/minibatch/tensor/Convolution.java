package dev.minibatch.tensor;

/**
 * 2-D convolution, one image at a time. With stride 1 it is computed directly on the zero-padded image's grid
 * ({@link PaddedGrid}, {@link Kernels#correlate}): the output, and the input gradient as a convolution of
 * the padded output gradient with the kernel flipped; the weight gradient too ({@link
 * Kernels#correlateWeights}, or {@link Kernels#correlateWeightsRows} for rows of five taps). Otherwise, as
 * matrix products on the unrolled image col [k, P] ({@link Im2col}), read in place from the padded image by
 * {@link Kernels#gemmUnrolled}: per group {@code outᵀ = colᵀ·Wᵀ} and {@code dWᵀ = col·gᵀ}, with the output
 * and its gradient transposed to and from [P, O]; and {@code dcol = Wᵀ·g} on {@link Kernels#gemm}, folded
 * back onto the image. Stride 1 with kernels five rows high and eight channels and more goes through
 * {@link Winograd}'s F(4, 5) instead, 2.5 times fewer multiply-adds. Each image's share is
 * {@link ConvGeometry}'s; this class runs them and records the op.
 *
 * <p>Images are shared among {@link Parallel}'s threads, each padding into its own scratch (a few KB that
 * stay in cache, where the whole batch's columns took tens of MB per layer). Each image's output and
 * input gradient is written by one task; the weight and bias gradients, sums over the batch, are summed per
 * chunk of images, the chunks cut by the batch size alone, then added in chunk order. So results do not
 * depend on the thread count.
 */
final class Convolution {
    /** The most chunks a batch is cut into for the weight gradient: enough to keep a few threads busy. */
    private static final int MAX_CHUNKS = 8;
    /** Each thread's image of a convolution's output, for the pooling fused after it. */
    private static final ThreadLocal<float[]> IMAGE = Scratch.perThread();
    /** The output gradient through the ReLU, on the thread that runs the backward. */
    private static final ThreadLocal<float[]> MASKED_GRAD = Scratch.perThread();
    /** The weight gradient's sums per chunk, on the thread that runs the backward. */
    private static final ThreadLocal<float[]> PARTIAL = Scratch.perThread();

    private Convolution() {
    }

    /**
     * x [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] or null; gives [N, O, outH, outW], or its ReLU
     * when {@code relu}: applied to each image as it is computed, and in the backward to the output gradient
     * in a scratch array, where a ReLU op reads and writes the whole output, and allocates its gradient.
     */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                         int groups, boolean relu) {
        ConvGeometry geo = geometry(x, weight, bias, stride, padding, dilation, groups);
        Window2d win = geo.win();
        Operands ops = Operands.of(x, weight, bias, geo);
        float[] out = new float[geo.n() * geo.o() * win.planeOut()];
        Parallel.forEach(geo.n(), s -> geo.forward(ops.x, ops.wT, ops.b, s, out, s * geo.o() * win.planeOut(), relu));
        return record(new Tensor(out, new int[] {geo.n(), geo.o(), win.oh(), win.ow()}), relu ? out : null, null,
                geo, ops, x, weight, bias);
    }

    /**
     * {@code maxPool2d(relu(conv2d(...)), 2)}: each image's output is computed into this thread's scratch and
     * pooled there, so that neither the convolution's output nor its gradient is ever stored whole (allocating
     * them cost the anchor CNN's calling thread 4.8 MB of zeroing a step); the backward lays the pooled
     * gradient onto the scratch where the ReLU's mask left it. The same values and gradients as the three ops.
     * Null when the output is smaller than 2x2, where the pooling would be refused.
     */
    static Tensor conv2dReluPool2x2(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                    int[] dilation, int groups) {
        ConvGeometry geo = geometry(x, weight, bias, stride, padding, dilation, groups);
        Window2d win = geo.win();
        if (win.oh() < 2 || win.ow() < 2) {
            return null;
        }
        Operands ops = Operands.of(x, weight, bias, geo);
        ReluPool2x2 pool = ReluPool2x2.of(geo.n(), geo.o(), win);
        Parallel.forEach(geo.n(), s -> {
            float[] image = Scratch.floats(IMAGE, geo.o() * win.planeOut());
            geo.forward(ops.x, ops.wT, ops.b, s, image, 0, true);
            pool.pool(image, s);
        });
        Tensor out = record(new Tensor(pool.values(), new int[] {geo.n(), geo.o(), win.oh() / 2, win.ow() / 2}), null,
                pool, geo, ops, x, weight, bias);
        if (!out.requiresGrad()) {
            pool.release();
        }
        return out;
    }

    /**
     * An op's arrays: the input, the weight, the bias (or null), and the weight as the forward reads it: transposed
     * [k, O], or {@link Winograd#weights transformed}.
     */
    private record Operands(float[] x, float[] w, float[] b, float[] wT) {
        static Operands of(Tensor x, Tensor weight, Tensor bias, ConvGeometry geo) {
            float[] wv = weight.requireFloat("conv2d");
            float[] wT = geo.winograd() != null ? geo.winograd().weights(wv)
                    : ConvGeometry.transpose(wv, 0, geo.o(), geo.k(), new float[geo.o() * geo.k()]);
            return new Operands(x.requireFloat("conv2d"), wv, bias == null ? null : bias.requireFloat("conv2d"), wT);
        }
    }

    /** Records {@code out} with its backward: through the fused ReLU's output or pooling, if any. */
    private static Tensor record(Tensor out, float[] reluOut, ReluPool2x2 pool, ConvGeometry geo, Operands ops,
                                 Tensor x, Tensor weight, Tensor bias) {
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Autograd.record(out, g -> backward(g, reluOut, pool, geo, ops, x.gradOut(), weight.gradOut(),
                bias == null ? null : bias.gradOut()), inputs);
    }

    private static ConvGeometry geometry(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                     int[] dilation, int groups) {
        int[] sx = x.shapeRef();
        int[] sw = weight.shapeRef();
        checkShapes(sx, sw, bias, groups);
        Window2d win = Window2d.of("conv2d", sx[2], sx[3], new int[] {sw[2], sw[3]},
                Window2d.pair("conv2d", "stride", stride), Window2d.pair("conv2d", "padding", padding),
                Window2d.pair("conv2d", "dilation", dilation), false);
        return new ConvGeometry(sx[0], sx[1], sw[0], groups, win);
    }

    /**
     * With {@code reluOut}, the fused ReLU's output, each chunk of images first masks its share of the output
     * gradient into a scratch array; with {@code pool}, it lays the pooled gradient there. It is then read by
     * that chunk alone.
     */
    private static void backward(float[] gradOut, float[] reluOut, ReluPool2x2 pool, ConvGeometry geo, Operands ops,
                                 Tensor.GradOut gx, Tensor.GradOut gw, Tensor.GradOut gb) {
        float[] xv = ops.x;
        float[] wv = ops.w;
        Winograd winograd = geo.winograd();
        int chunks = Math.min(geo.n(), MAX_CHUNKS);
        int perChunk = (geo.n() + chunks - 1) / chunks;
        int used = (geo.n() + perChunk - 1) / perChunk;
        int wSize = winograd != null ? winograd.weightGradSize() : geo.o() * geo.k();
        float[] partial = gw == null ? null : Scratch.floats(PARTIAL, used * wSize);
        double[] biasPartial = gb == null ? null : new double[used * geo.o()];
        float[] ub = winograd != null && gx != null ? winograd.backWeights(ops.wT) : null;
        float[] wFlip = winograd == null && gx != null && geo.back() != null ? geo.flipped(wv) : null;
        int image = geo.o() * geo.win().planeOut();
        float[] g = reluOut == null && pool == null ? gradOut : Scratch.floats(MASKED_GRAD, geo.n() * image);
        Parallel.forEach(used, chunk -> {
            int from = chunk * perChunk;
            int end = Math.min(geo.n(), from + perChunk);
            if (reluOut != null) {
                Kernels.get().reluBackward(reluOut, gradOut, g, from * image, (end - from) * image);
            } else if (pool != null) {
                pool.scatter(gradOut, g, from, end, image);
            }
            if (winograd != null) {
                winograd.backward(g, xv, ub, from, end, partial, chunk * wSize, gx);
            } else if (partial != null) {
                if (geo.directWeights()) {
                    geo.weightGradDirect(g, xv, from, end, partial, chunk * wSize);
                } else {
                    for (int s = from; s < end; s++) {
                        geo.weightGrad(g, xv, s, partial, chunk * wSize, s != from);
                    }
                }
            }
            for (int s = from; s < end; s++) {
                if (biasPartial != null) {
                    geo.biasGrad(g, s, biasPartial, chunk * geo.o());
                }
                if (gx != null && winograd == null) {
                    if (wFlip != null) {
                        geo.inputGradDirect(g, wFlip, s, gx);
                    } else {
                        geo.inputGrad(g, wv, s, gx);
                    }
                }
            }
        });
        if (pool != null) {
            pool.release();
        }
        if (ub != null) {
            GradBuffers.give(ub);
        }
        if (gw != null) {
            sumChunks(partial, used, wSize, geo, gw);
        }
        if (gb != null) {
            float[] out = gb.array();
            for (int ch = 0; ch < geo.o(); ch++) {
                double sum = 0;
                for (int c = 0; c < used; c++) {
                    sum += biasPartial[c * geo.o() + ch];
                }
                out[ch] = gb.accumulate() ? out[ch] + (float) sum : (float) sum;
            }
        }
    }

    /**
     * Adds the chunks' sums, in chunk order, then writes (or adds) their total, laid out per group as
     * dWᵀ [k, og], transposed into the gradient [O, k].
     */
    private static void sumChunks(float[] partial, int chunks, int size, ConvGeometry geo, Tensor.GradOut gw) {
        for (int c = 1; c < chunks; c++) {
            Kernels.get().axpy(size, 1f, partial, c * size, partial, 0);
        }
        if (geo.winograd() != null) {
            geo.winograd().weightGrad(partial, gw);
            return;
        }
        float[] out = gw.array();
        boolean accumulate = gw.accumulate();
        if (geo.directWeights()) {
            for (int i = 0; i < size; i++) {
                out[i] = accumulate ? out[i] + partial[i] : partial[i];
            }
            return;
        }
        for (int gr = 0; gr < geo.groups(); gr++) {
            int from = gr * geo.k() * geo.og();
            for (int oc = 0; oc < geo.og(); oc++) {
                int row = (gr * geo.og() + oc) * geo.k();
                for (int t = 0; t < geo.k(); t++) {
                    float v = partial[from + t * geo.og() + oc];
                    out[row + t] = accumulate ? out[row + t] + v : v;
                }
            }
        }
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
}
