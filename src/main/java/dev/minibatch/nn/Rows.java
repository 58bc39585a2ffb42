package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** A tensor seen as rows along one dimension: [outer, n, inner], each row read with stride {@code inner}. */
final class Rows {
    final int outer;
    final int n;
    final int inner;

    private Rows(int outer, int n, int inner) {
        this.outer = outer;
        this.n = n;
        this.inner = inner;
    }

    interface RowVisitor {
        void visit(int base, int stride);
    }

    static Rows of(String op, Tensor x, int dim) {
        if (!x.isFloat()) {
            throw new IllegalArgumentException(op + ": expected a float32 tensor but got int32");
        }
        int[] s = x.shape();
        if (s.length == 0) {
            return new Rows(1, 1, 1);
        }
        int r = s.length;
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException(op + ": dimension " + dim + " is out of range for a tensor of rank "
                    + r + " (expected to be in [" + (-r) + ", " + (r - 1) + "])");
        }
        int d = dim < 0 ? dim + r : dim;
        int outer = 1;
        for (int i = 0; i < d; i++) {
            outer *= s[i];
        }
        int inner = 1;
        for (int i = d + 1; i < r; i++) {
            inner *= s[i];
        }
        return new Rows(outer, s[d], inner);
    }

    void forEach(RowVisitor v) {
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                v.visit(p * n * inner + q, inner);
            }
        }
    }

    float max(float[] v, int base, int stride) {
        float m = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            m = Math.max(m, v[base + k * stride]);
        }
        return m;
    }

    /** The row's max, or 0 where it is infinite: subtracting an infinite max would give inf - inf = NaN. */
    float shift(float[] v, int base, int stride) {
        float m = max(v, base, stride);
        return Float.isInfinite(m) ? 0f : m;
    }

    /** {@code log(sum(exp(x - shift)))}: every term is at most 1, so the sum neither overflows nor vanishes. */
    float logSumShifted(float[] v, int base, int stride, float shift) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += Math.exp(v[base + k * stride] - shift);
        }
        return (float) Math.log(s);
    }
}
