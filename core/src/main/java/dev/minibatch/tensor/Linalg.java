package dev.minibatch.tensor;

/** Matrix products, on the {@link Kernels#gemm} kernel; transposes are read in place, never copied. */
final class Linalg {
    /** The ReLU-masked gradient of a fused linear layer, alive only within its backward closure. */
    private static final ThreadLocal<float[]> MASKED_GRAD = Scratch.perThread();
    /**
     * From this many multiply-adds in each, a linear layer's two backward products run side by side, one per
     * thread, when neither is big enough to be shared among the threads by itself ({@link
     * VectorGemm#PARALLEL_MACS}): the anchor CNN's classifier (64x1568 by 10) ran both on the calling thread
     * while the other waited.
     */
    static final long SIDE_BY_SIDE_MACS = 1L << 18;
    /**
     * A classifier's outputs, at most one vector of floats (512 bits), whose forward is cut into two halves of
     * rows: wider outputs reuse the packed weight across more rows. A number, not the Vector API's length:
     * this class also runs on the plain kernels, without the module.
     */
    private static final int FEW_OUTPUTS = 16;

    private Linalg() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        int[] sa = a.shapeRef();
        int[] sb = b.shapeRef();
        float[] x = a.requireFloat("matmul");
        float[] y = b.requireFloat("matmul");
        if (sa.length == 2 && sb.length == 2) {
            return batched(a, b, x, y, 1, sa[0], sa[1], sb[0], sb[1], false, new int[] {sa[0], sb[1]});
        }
        if (sa.length == 3 && sb.length == 3 && sa[0] == sb[0]) {
            return batched(a, b, x, y, sa[0], sa[1], sa[2], sb[1], sb[2], false, new int[] {sa[0], sa[1], sb[2]});
        }
        if (sa.length == 3 && sb.length == 2) {
            return batched(a, b, x, y, sa[0], sa[1], sa[2], sb[0], sb[1], true, new int[] {sa[0], sa[1], sb[1]});
        }
        throw new IllegalArgumentException("matmul: shapes " + Shapes.str(sa) + " and " + Shapes.str(sb)
                + " cannot be multiplied (2-D by 2-D, 3-D by 3-D with equal batch, or 3-D by 2-D)");
    }

    /** {@code batch} products of [m, k] by [k, n]; a shared B (3-D by 2-D) has stride 0 between batches. */
    private static Tensor batched(Tensor a, Tensor b, float[] x, float[] y, int batch,
                                  int m, int k, int kb, int n, boolean sharedB, int[] so) {
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shapeRef()) + " and "
                    + Shapes.str(b.shapeRef()) + " cannot be multiplied (" + k + " != " + kb + ")");
        }
        Kernels kern = Kernels.get();
        float[] o = new float[batch * m * n];
        int bStride = sharedB ? 0 : k * n;
        for (int i = 0; i < batch; i++) {
            kern.gemm(false, false, m, n, k, x, i * m * k, y, i * bStride, o, i * m * n, false);
        }
        return Autograd.record(new Tensor(o, so), g -> {
            Tensor.GradOut ga = a.gradOut();
            if (ga != null) {
                for (int i = 0; i < batch; i++) {
                    kern.gemm(false, true, m, k, n, g, i * m * n, y, i * bStride, ga.array(), i * m * k,
                            ga.accumulate());
                }
            }
            Tensor.GradOut gb = b.gradOut();
            if (gb != null) {
                // A shared B sums its gradient over the batch: every product after the first adds.
                for (int i = 0; i < batch; i++) {
                    kern.gemm(true, false, k, n, m, x, i * m * k, g, i * m * n, gb.array(), i * bStride,
                            gb.accumulate() || sharedB && i > 0);
                }
            }
        }, a, b);
    }

    /** {@code x·wᵀ + b}: x [batch, in], w [out, in] (PyTorch's layout), b [out] or null. */
    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        return linear(x, w, bias, false);
    }

    /**
     * Whether products of this many multiply-adds each run one per thread: too big to run alone while the other
     * thread waits, too small to be shared among the threads by the GEMM itself.
     */
    private static boolean sideBySide(long macs) {
        return macs >= SIDE_BY_SIDE_MACS && macs < VectorGemm.PARALLEL_MACS;
    }

    /** {@code x·wᵀ + b}, then its ReLU when {@code relu}: one pass over the output, one graph node. */
    static Tensor linear(Tensor x, Tensor w, Tensor bias, boolean relu) {
        int[] sx = x.shapeRef();
        int[] sw = w.shapeRef();
        if (sx.length != 2 || sw.length != 2 || sx[1] != sw[1]) {
            throw new IllegalArgumentException("linear: input of shape " + Shapes.str(sx)
                    + " does not fit a weight of shape " + Shapes.str(sw) + " (expected input [batch, " +
                    (sw.length == 2 ? sw[1] : "in") + "])");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != sw[0])) {
            throw new IllegalArgumentException("linear: bias of shape " + Shapes.str(bias.shapeRef())
                    + " does not fit a weight of shape " + Shapes.str(sw));
        }
        int m = sx[0];
        int k = sx[1];
        int n = sw[0];
        float[] xv = x.requireFloat("linear");
        float[] wv = w.requireFloat("linear");
        Kernels kern = Kernels.get();
        float[] o = new float[m * n];
        long macs = (long) m * n * k;
        if (n <= FEW_OUTPUTS && sideBySide(macs)) {
            // Each row is summed alone, the same whichever half it falls in.
            int half = m / 2;
            Parallel.forEach(2, i -> kern.gemm(false, true, i == 0 ? half : m - half, n, k, xv, i * half * k, wv, 0,
                    o, i * half * n, false));
        } else {
            kern.gemm(false, true, m, n, k, xv, 0, wv, 0, o, 0, false);
        }
        if (bias != null && relu) {
            kern.addRowVectorRelu(o, bias.requireFloat("linear"), o, m, n);
        } else if (bias != null) {
            kern.addRowVector(o, bias.requireFloat("linear"), o, m, n);
        } else if (relu) {
            kern.relu(o, o, o.length);
        }
        Tensor[] inputs = bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
        return Autograd.record(new Tensor(o, new int[] {m, n}), gOut -> {
            float[] g = gOut;
            if (relu) {
                // The masked gradient lives only for the products below: a per-thread scratch array.
                g = Scratch.floats(MASKED_GRAD, gOut.length);
                kern.reluBackward(o, gOut, g, 0, gOut.length);
            }
            Tensor.GradOut gx = x.gradOut();
            Tensor.GradOut gw = w.gradOut();
            float[] gIn = g;
            Runnable inputGrad = () -> kern.gemm(false, false, m, k, n, gIn, 0, wv, 0, gx.array(), 0, gx.accumulate());
            Runnable weightGrad = () -> kern.gemm(true, false, n, k, m, gIn, 0, xv, 0, gw.array(), 0,
                    gw.accumulate());
            if (gx != null && gw != null && sideBySide(macs)) {
                Parallel.forEach(2, i -> (i == 0 ? inputGrad : weightGrad).run());
            } else {
                if (gx != null) {
                    inputGrad.run();
                }
                if (gw != null) {
                    weightGrad.run();
                }
            }
            Tensor.GradOut gb = bias == null ? null : bias.gradOut();
            if (gb != null) {
                kern.sumRows(g, gb.array(), m, n, gb.accumulate());
            }
        }, inputs);
    }
}
