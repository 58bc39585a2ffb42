package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * Reductions over all elements or one dimension. A tensor reduced over {@code dim} is viewed as
 * [outer, n, inner]; sums are accumulated in double so that the order of a long sum barely matters.
 */
final class Reductions {
    private Reductions() {
    }

    static Tensor sum(Tensor a) {
        float[] x = a.requireFloat("sum");
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return Autograd.record(Tensor.scalar((float) s), g -> {
            float[] ga = new float[x.length];
            Arrays.fill(ga, g[0]);
            a.accumulateGrad(ga);
        }, a);
    }

    static Tensor mean(Tensor a) {
        int n = a.numel();
        return sum(a).div(n);
    }

    static Tensor sum(Tensor a, int dim, boolean keepdim) {
        float[] x = a.requireFloat("sum");
        int[] s = a.shapeRef();
        int d = Shapes.dim("sum", dim, s.length);
        if (s.length == 0) {
            return sum(a);
        }
        int outer = Shapes.outer(s, d);
        int n = s[d];
        int inner = Shapes.inner(s, d);
        float[] o = new float[outer * inner];
        double[] acc = new double[inner];
        for (int p = 0; p < outer; p++) {
            Arrays.fill(acc, 0);
            for (int k = 0; k < n; k++) {
                int base = (p * n + k) * inner;
                for (int q = 0; q < inner; q++) {
                    acc[q] += x[base + q];
                }
            }
            for (int q = 0; q < inner; q++) {
                o[p * inner + q] = (float) acc[q];
            }
        }
        Tensor out = new Tensor(o, keepdim ? Shapes.keepDim(s, d) : Shapes.removeDim(s, d));
        return Autograd.record(out, g -> {
            float[] ga = new float[x.length];
            for (int p = 0; p < outer; p++) {
                for (int k = 0; k < n; k++) {
                    System.arraycopy(g, p * inner, ga, (p * n + k) * inner, inner);
                }
            }
            a.accumulateGrad(ga);
        }, a);
    }

    static Tensor mean(Tensor a, int dim, boolean keepdim) {
        int n = a.dim() == 0 ? 1 : a.size(dim);
        return sum(a, dim, keepdim).div(n);
    }

    /** The max (or min) of all elements; the gradient goes to the first extreme element. */
    static Tensor extreme(Tensor a, boolean max) {
        String op = max ? "max" : "min";
        float[] x = a.requireFloat(op);
        if (x.length == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce an empty tensor of shape " + Shapes.str(a.shapeRef()));
        }
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (better(x[i], x[best], max)) {
                best = i;
            }
        }
        int at = best;
        return Autograd.record(Tensor.scalar(x[best]), g -> {
            float[] ga = new float[x.length];
            ga[at] = g[0];
            a.accumulateGrad(ga);
        }, a);
    }

    /** NaN wins, as in PyTorch, so that a NaN is never hidden by a reduction. */
    private static boolean better(float v, float cur, boolean max) {
        if (Float.isNaN(cur)) {
            return false;
        }
        if (Float.isNaN(v)) {
            return true;
        }
        return max ? v > cur : v < cur;
    }

    static Tensor.MaxMin extreme(Tensor a, int dim, boolean keepdim, boolean max) {
        String op = max ? "max" : "min";
        float[] x = a.isFloat() ? a.requireFloat(op) : a.toFloatArray();
        int[] s = a.shapeRef();
        if (s.length == 0) {
            return new Tensor.MaxMin(a, Tensor.ofInts(new int[] {0}, new int[0]));
        }
        int d = Shapes.dim(op, dim, s.length);
        int outer = Shapes.outer(s, d);
        int n = s[d];
        int inner = Shapes.inner(s, d);
        if (n == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce over dimension " + d
                    + " of size 0 (shape " + Shapes.str(s) + ")");
        }
        float[] vals = new float[outer * inner];
        int[] idx = new int[outer * inner];
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                int best = 0;
                float bv = x[p * n * inner + q];
                for (int k = 1; k < n; k++) {
                    float v = x[(p * n + k) * inner + q];
                    if (better(v, bv, max)) {
                        bv = v;
                        best = k;
                    }
                }
                vals[p * inner + q] = bv;
                idx[p * inner + q] = best;
            }
        }
        int[] so = keepdim ? Shapes.keepDim(s, d) : Shapes.removeDim(s, d);
        Tensor values = new Tensor(vals, so);
        if (a.isFloat()) {
            Autograd.record(values, g -> {
                float[] ga = new float[x.length];
                for (int p = 0; p < outer; p++) {
                    for (int q = 0; q < inner; q++) {
                        ga[(p * n + idx[p * inner + q]) * inner + q] = g[p * inner + q];
                    }
                }
                a.accumulateGrad(ga);
            }, a);
        }
        return new Tensor.MaxMin(values, new Tensor(idx, so.clone(), DType.INT32));
    }
}
