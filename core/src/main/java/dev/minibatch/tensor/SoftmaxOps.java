package dev.minibatch.tensor;

/**
 * Softmax, log-softmax and logsumexp along one dimension. All of them subtract the row's maximum before
 * {@code exp} (the log-sum-exp trick): {@code exp(90)} already overflows float32, so logits of ±1000 would
 * give inf and NaN otherwise.
 */
final class SoftmaxOps {
    private SoftmaxOps() {
    }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}. */
    static Tensor softmax(Tensor a, int dim) {
        float[] x = a.requireFloat("softmax");
        Rows r = Rows.of("softmax", a, dim);
        float[] y = new float[x.length];
        r.forEach((row, base) -> {
            float m = r.shift(x, base);
            double s = 0;
            for (int k = 0; k < r.n; k++) {
                float e = (float) Math.exp(x[r.at(base, k)] - m);
                y[r.at(base, k)] = e;
                s += e;
            }
            float inv = (float) (1 / s);
            for (int k = 0; k < r.n; k++) {
                y[r.at(base, k)] *= inv;
            }
        });
        return Autograd.record(new Tensor(y, a.shape()), g -> {
            // d softmax: y * (g - sum(g * y)) along the row.
            float[] ga = new float[g.length];
            r.forEach((row, base) -> {
                double dot = 0;
                for (int k = 0; k < r.n; k++) {
                    dot += g[r.at(base, k)] * y[r.at(base, k)];
                }
                for (int k = 0; k < r.n; k++) {
                    int i = r.at(base, k);
                    ga[i] = y[i] * (g[i] - (float) dot);
                }
            });
            a.accumulateGrad(ga);
        }, a);
    }

    /** {@code x - logsumexp(x)} along {@code dim}. */
    static Tensor logSoftmax(Tensor a, int dim) {
        float[] x = a.requireFloat("logSoftmax");
        Rows r = Rows.of("logSoftmax", a, dim);
        float[] y = new float[x.length];
        r.forEach((row, base) -> {
            // (x - m) - log(sum) rather than x - (m + log(sum)): near 1000, float32 steps are 6e-5 apart.
            float m = r.shift(x, base);
            float logSum = (float) r.logSumExpShifted(x, base, m);
            for (int k = 0; k < r.n; k++) {
                y[r.at(base, k)] = (x[r.at(base, k)] - m) - logSum;
            }
        });
        return Autograd.record(new Tensor(y, a.shape()), g -> {
            // d log_softmax: g - softmax * sum(g) along the row.
            float[] ga = new float[g.length];
            r.forEach((row, base) -> {
                double s = 0;
                for (int k = 0; k < r.n; k++) {
                    s += g[r.at(base, k)];
                }
                for (int k = 0; k < r.n; k++) {
                    int i = r.at(base, k);
                    ga[i] = g[i] - (float) Math.exp(y[i]) * (float) s;
                }
            });
            a.accumulateGrad(ga);
        }, a);
    }

    /** {@code log(sum(exp(x)))} over {@code dim}, computed as {@code m + log(sum(exp(x - m)))}. */
    static Tensor logsumexp(Tensor a, int dim, boolean keepdim) {
        float[] x = a.requireFloat("logsumexp");
        Rows r = Rows.of("logsumexp", a, dim);
        float[] o = new float[r.count()];
        r.forEach((row, base) -> {
            float m = r.shift(x, base);
            o[row] = (float) (r.logSumExpShifted(x, base, m) + m);
        });
        int[] s = a.shapeRef();
        int[] so = s.length == 0 ? new int[0] : keepdim ? Shapes.keepDim(s, r.dim) : Shapes.removeDim(s, r.dim);
        return Autograd.record(new Tensor(o, so), g -> {
            float[] ga = new float[x.length];
            r.forEach((row, base) -> {
                for (int k = 0; k < r.n; k++) {
                    int i = r.at(base, k);
                    ga[i] = g[row] * (float) Math.exp(x[i] - o[row]);
                }
            });
            a.accumulateGrad(ga);
        }, a);
    }

    /**
     * A tensor seen as rows along dimension {@code dim} (wrapped into range): [outer, n, inner], row
     * {@code p·inner + q} starting at {@code p·n·inner + q}, its elements {@code inner} apart.
     */
    private record Rows(int dim, int outer, int n, int inner) {
        static Rows of(String op, Tensor a, int dim) {
            int[] s = a.shapeRef();
            int d = Shapes.dim(op, dim, s.length);
            return s.length == 0 ? new Rows(d, 1, 1, 1) : new Rows(d, Shapes.outer(s, d), s[d], Shapes.inner(s, d));
        }

        interface Visitor {
            void visit(int row, int base);
        }

        int count() {
            return outer * inner;
        }

        void forEach(Visitor v) {
            for (int p = 0; p < outer; p++) {
                for (int q = 0; q < inner; q++) {
                    v.visit(p * inner + q, p * n * inner + q);
                }
            }
        }

        int at(int base, int k) {
            return base + k * inner;
        }

        /** The row's max, or 0 where it is infinite: subtracting an infinite max would give inf - inf = NaN. */
        float shift(float[] x, int base) {
            float m = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                m = Math.max(m, x[at(base, k)]);
            }
            return Float.isInfinite(m) ? 0f : m;
        }

        /** {@code log(sum(exp(x - shift)))}: every term is at most 1, so the sum neither overflows nor vanishes. */
        double logSumExpShifted(float[] x, int base, float shift) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += Math.exp(x[at(base, k)] - shift);
            }
            return Math.log(s);
        }
    }
}
