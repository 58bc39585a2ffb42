package dev.minibatch.tensor;

/**
 * Batch normalisation over dimension 1 of an [N, C] or [N, C, *] tensor, like {@code F.batch_norm}: each
 * channel is normalised by the batch's mean and biased variance in training, by the running statistics
 * otherwise, then scaled by {@code weight} and shifted by {@code bias}. Statistics are summed in double.
 */
final class BatchNorm {
    private BatchNorm() {
    }

    /**
     * In training, also moves the running statistics (when given) toward the batch's, in place:
     * {@code r = (1 - momentum)·r + momentum·s}, with the unbiased variance for {@code runningVar}, as
     * PyTorch keeps it. {@code weight} and {@code bias} may be null (no affine transform).
     */
    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps) {
        int[] s = x.shapeRef();
        Layout l = Layout.of(x, runningMean, runningVar, weight, bias, training);
        float[] xv = x.requireFloat("batchNorm");
        float[] mean = new float[l.c];
        float[] invStd = new float[l.c];
        if (training) {
            batchStatistics(xv, l, mean, invStd, eps, runningMean, runningVar, momentum);
        } else {
            float[] rm = runningMean.requireFloat("batchNorm");
            float[] rv = runningVar.requireFloat("batchNorm");
            for (int ch = 0; ch < l.c; ch++) {
                mean[ch] = rm[ch];
                invStd[ch] = (float) (1 / Math.sqrt(rv[ch] + eps));
            }
        }
        float[] w = weight == null ? null : weight.requireFloat("batchNorm");
        float[] b = bias == null ? null : bias.requireFloat("batchNorm");
        float[] out = new float[xv.length];
        l.forEachRun((ch, from, to) -> {
            float scale = invStd[ch] * (w == null ? 1f : w[ch]);
            float shift = b == null ? 0f : b[ch];
            for (int i = from; i < to; i++) {
                out[i] = (xv[i] - mean[ch]) * scale + shift;
            }
        });
        Tensor[] inputs = {x, weight, bias};
        return Autograd.record(new Tensor(out, s.clone()), g -> {
            double[] sumG = new double[l.c];
            double[] sumGxHat = new double[l.c];
            // The running sums live in locals: in the two arrays, which may alias for all the JIT knows, each
            // step stored and reloaded both. Same additions, in the same order.
            l.forEachRun((ch, from, to) -> {
                double sg = sumG[ch];
                double sgx = sumGxHat[ch];
                float m = mean[ch];
                float is = invStd[ch];
                for (int i = from; i < to; i++) {
                    sg += g[i];
                    sgx += g[i] * (xv[i] - m) * is;
                }
                sumG[ch] = sg;
                sumGxHat[ch] = sgx;
            });
            accumulate(weight, sumGxHat);
            accumulate(bias, sumG);
            if (x.requiresGrad()) {
                x.accumulateGrad(inputGrad(g, xv, l, mean, invStd, w, training, sumG, sumGxHat));
            }
        }, inputs);
    }

    /**
     * In training the statistics depend on x too:
     * {@code dx = w·invStd·(g - mean(g) - xHat·mean(g·xHat))}; in evaluation {@code dx = w·invStd·g}.
     */
    private static float[] inputGrad(float[] g, float[] xv, Layout l, float[] mean, float[] invStd, float[] w,
                                     boolean training, double[] sumG, double[] sumGxHat) {
        float[] gx = new float[g.length];
        l.forEachRun((ch, from, to) -> {
            float scale = invStd[ch] * (w == null ? 1f : w[ch]);
            float meanG = training ? (float) (sumG[ch] / l.perChannel) : 0f;
            float meanGxHat = training ? (float) (sumGxHat[ch] / l.perChannel) : 0f;
            for (int i = from; i < to; i++) {
                float xHat = (xv[i] - mean[ch]) * invStd[ch];
                gx[i] = scale * (g[i] - meanG - xHat * meanGxHat);
            }
        });
        return gx;
    }

    private static void accumulate(Tensor t, double[] sums) {
        if (t != null && t.requiresGrad()) {
            float[] g = new float[sums.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) sums[i];
            }
            t.accumulateGrad(g);
        }
    }

    private static void batchStatistics(float[] xv, Layout l, float[] mean, float[] invStd, double eps,
                                        Tensor runningMean, Tensor runningVar, double momentum) {
        double[] sum = new double[l.c];
        l.forEachRun((ch, from, to) -> {
            for (int i = from; i < to; i++) {
                sum[ch] += xv[i];
            }
        });
        double[] sq = new double[l.c];
        l.forEachRun((ch, from, to) -> {
            double m = sum[ch] / l.perChannel;
            for (int i = from; i < to; i++) {
                sq[ch] += (xv[i] - m) * (xv[i] - m);
            }
        });
        for (int ch = 0; ch < l.c; ch++) {
            double var = sq[ch] / l.perChannel;
            mean[ch] = (float) (sum[ch] / l.perChannel);
            invStd[ch] = (float) (1 / Math.sqrt(var + eps));
            if (runningMean != null) {
                float[] rm = runningMean.storage();
                rm[ch] = (float) ((1 - momentum) * rm[ch] + momentum * mean[ch]);
            }
            if (runningVar != null) {
                float[] rv = runningVar.storage();
                rv[ch] = (float) ((1 - momentum) * rv[ch] + momentum * sq[ch] / (l.perChannel - 1));
            }
        }
    }

    /** The input seen as [N, C, inner]: runs of {@code inner} values of one channel. */
    private static final class Layout {
        final int n;
        final int c;
        final int inner;
        final int perChannel;

        private Layout(int n, int c, int inner) {
            this.n = n;
            this.c = c;
            this.inner = inner;
            this.perChannel = n * inner;
        }

        interface Run {
            void accept(int channel, int from, int to);
        }

        /**
         * Every run, the channels shared among {@link Parallel}'s threads: each channel's runs in sample order
         * on one thread, so that its sums do not depend on the thread count.
         */
        void forEachRun(Run run) {
            Parallel.forEach(c, ch -> {
                for (int s = 0; s < n; s++) {
                    int from = (s * c + ch) * inner;
                    run.accept(ch, from, from + inner);
                }
            });
        }

        static Layout of(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                         boolean training) {
            int[] s = x.shapeRef();
            if (s.length < 2) {
                throw new IllegalArgumentException("batchNorm: expected an input [N, C] or [N, C, *], got shape "
                        + Shapes.str(s));
            }
            Layout l = new Layout(s[0], s[1], Shapes.inner(s, 1));
            checkChannels("running_mean", runningMean, l.c, s);
            checkChannels("running_var", runningVar, l.c, s);
            checkChannels("weight", weight, l.c, s);
            checkChannels("bias", bias, l.c, s);
            if (training && l.perChannel < 2) {
                throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when "
                        + "training, got input of shape " + Shapes.str(s));
            }
            if (!training && (runningMean == null || runningVar == null)) {
                throw new IllegalArgumentException("batchNorm: evaluation mode needs running_mean and running_var");
            }
            return l;
        }

        private static void checkChannels(String name, Tensor t, int c, int[] s) {
            if (t != null && (t.dim() != 1 || t.size(0) != c)) {
                throw new IllegalArgumentException("batchNorm: " + name + " of shape " + Shapes.str(t.shapeRef())
                        + " does not fit input of shape " + Shapes.str(s) + " (expected [" + c + "])");
            }
        }
    }
}
