package dev.minibatch.tensor;

import java.util.Arrays;
import java.util.List;

/** Taking parts of tensors (slice, rows by index, gather) and joining them (cat, stack). */
final class Indexing {
    private Indexing() {
    }

    static Tensor slice(Tensor a, int dim, int start, int end) {
        int[] s = a.shapeRef();
        if (s.length == 0) {
            throw new IllegalArgumentException("slice: cannot slice a scalar");
        }
        int d = Shapes.dim("slice", dim, s.length);
        int n = s[d];
        int lo = clampBound(start, n);
        int hi = Math.max(lo, clampBound(end, n));
        int outer = Shapes.outer(s, d);
        int inner = Shapes.inner(s, d);
        int[] so = s.clone();
        so[d] = hi - lo;
        int chunk = (hi - lo) * inner;
        if (!a.isFloat()) {
            int[] x = a.intStorage();
            int[] o = new int[outer * chunk];
            for (int p = 0; p < outer; p++) {
                System.arraycopy(x, (p * n + lo) * inner, o, p * chunk, chunk);
            }
            return Tensor.wrapInts(o, so);
        }
        float[] x = a.storage();
        float[] o = new float[outer * chunk];
        for (int p = 0; p < outer; p++) {
            System.arraycopy(x, (p * n + lo) * inner, o, p * chunk, chunk);
        }
        return Autograd.record(new Tensor(o, so), g -> {
            float[] ga = new float[x.length];
            for (int p = 0; p < outer; p++) {
                System.arraycopy(g, p * chunk, ga, (p * n + lo) * inner, chunk);
            }
            a.accumulateGrad(ga);
        }, a);
    }

    /** Python's slice bounds: negative counts from the end, out-of-range clamps. */
    private static int clampBound(int i, int n) {
        int v = i < 0 ? i + n : i;
        return Math.max(0, Math.min(n, v));
    }

    static Tensor indexRows(Tensor a, int[] rows) {
        int[] s = a.shapeRef();
        if (s.length == 0) {
            throw new IllegalArgumentException("index: cannot index rows of a scalar");
        }
        int n = s[0];
        int inner = Shapes.inner(s, 0);
        int[] idx = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i] < 0 ? rows[i] + n : rows[i];
            if (r < 0 || r >= n) {
                throw new IndexOutOfBoundsException("index: index " + rows[i] + " at position " + i
                        + " is out of bounds for dimension 0 with size " + n);
            }
            idx[i] = r;
        }
        int[] so = s.clone();
        so[0] = rows.length;
        if (!a.isFloat()) {
            int[] x = a.intStorage();
            int[] o = new int[rows.length * inner];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(x, idx[i] * inner, o, i * inner, inner);
            }
            return Tensor.wrapInts(o, so);
        }
        float[] x = a.storage();
        float[] o = new float[rows.length * inner];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(x, idx[i] * inner, o, i * inner, inner);
        }
        return Autograd.record(new Tensor(o, so), g -> {
            float[] ga = new float[x.length];
            for (int i = 0; i < idx.length; i++) {
                Kernels.get().axpy(inner, 1f, g, i * inner, ga, idx[i] * inner);
            }
            a.accumulateGrad(ga);
        }, a);
    }

    /** {@code a[rows, cols]}: rows of {@code a} with its first two dimensions merged, so that autograd comes with them. */
    static Tensor indexPairs(Tensor a, int[] rows, int[] cols) {
        int[] s = a.shapeRef();
        if (s.length < 2) {
            throw new IllegalArgumentException("index: too many indices for tensor of dimension " + s.length);
        }
        if (rows.length != cols.length) {
            throw new IllegalArgumentException("index: shape mismatch: indexing tensors could not be broadcast "
                    + "together with shapes [" + rows.length + "], [" + cols.length + "]");
        }
        int[] flat = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            flat[i] = checked(rows[i], i, 0, s[0]) * s[1] + checked(cols[i], i, 1, s[1]);
        }
        int[] merged = Arrays.copyOfRange(s, 1, s.length);
        merged[0] = s[0] * s[1];
        return indexRows(a.reshape(merged), flat);
    }

    private static int checked(int index, int position, int dim, int size) {
        int k = index < 0 ? index + size : index;
        if (k < 0 || k >= size) {
            throw new IndexOutOfBoundsException("index: index " + index + " at position " + position
                    + " is out of bounds for dimension " + dim + " with size " + size);
        }
        return k;
    }

    /** PyTorch's gather: the index has the input's rank, and its size may be smaller in every dimension. */
    static Tensor gather(Tensor a, int dim, Tensor index) {
        int[] s = a.shapeRef();
        int[] si = index.shapeRef();
        int[] ix = index.requireInt("gather");
        int d = Shapes.dim("gather", dim, s.length);
        if (si.length != s.length) {
            throw new IllegalArgumentException("gather: index of shape " + Shapes.str(si)
                    + " must have the same rank as the input of shape " + Shapes.str(s));
        }
        for (int i = 0; i < s.length; i++) {
            if (i != d && si[i] > s[i]) {
                throw new IllegalArgumentException("gather: index of shape " + Shapes.str(si)
                        + " is larger than the input of shape " + Shapes.str(s) + " in dimension " + i);
            }
        }
        int[] st = Shapes.strides(s);
        int[] readStrides = st.clone();
        readStrides[d] = 0;
        int[] base = Shapes.offsets(si, readStrides);
        int[] src = new int[ix.length];
        for (int i = 0; i < ix.length; i++) {
            int k = ix[i] < 0 ? ix[i] + s[d] : ix[i];
            if (k < 0 || k >= s[d]) {
                throw new IndexOutOfBoundsException("gather: index " + ix[i] + " at position "
                        + Arrays.toString(unravel(i, si)) + " is out of bounds for dimension " + d
                        + " with size " + s[d]);
            }
            src[i] = base[i] + k * st[d];
        }
        float[] x = a.requireFloat("gather");
        float[] o = new float[ix.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = x[src[i]];
        }
        return Autograd.record(new Tensor(o, si.clone()), g -> {
            float[] ga = new float[x.length];
            for (int i = 0; i < g.length; i++) {
                ga[src[i]] += g[i];
            }
            a.accumulateGrad(ga);
        }, a);
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    static Tensor cat(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) {
            throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        }
        int[] s0 = ts.get(0).shapeRef();
        if (s0.length == 0) {
            throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated; use stack");
        }
        int d = Shapes.dim("cat", dim, s0.length);
        DType type = ts.get(0).dtype();
        int total = 0;
        for (int t = 0; t < ts.size(); t++) {
            int[] s = ts.get(t).shapeRef();
            boolean ok = s.length == s0.length && ts.get(t).dtype() == type;
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == d || s[i] == s0[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: tensor " + t + " of shape " + Shapes.str(s) + " (" + ts.get(t).dtype()
                        + ") does not match tensor 0 of shape " + Shapes.str(s0) + " (" + type
                        + ") outside dimension " + d);
            }
            total += s[d];
        }
        int outer = Shapes.outer(s0, d);
        int inner = Shapes.inner(s0, d);
        int[] so = s0.clone();
        so[d] = total;
        int rowOut = total * inner;
        if (type == DType.INT32) {
            int[] o = new int[outer * rowOut];
            int at = 0;
            for (Tensor t : ts) {
                int chunk = t.shapeRef()[d] * inner;
                for (int p = 0; p < outer; p++) {
                    System.arraycopy(t.intStorage(), p * chunk, o, p * rowOut + at, chunk);
                }
                at += chunk;
            }
            return Tensor.wrapInts(o, so);
        }
        float[] o = new float[outer * rowOut];
        int[] starts = new int[ts.size()];
        int at = 0;
        for (int t = 0; t < ts.size(); t++) {
            starts[t] = at;
            int chunk = ts.get(t).shapeRef()[d] * inner;
            for (int p = 0; p < outer; p++) {
                System.arraycopy(ts.get(t).storage(), p * chunk, o, p * rowOut + at, chunk);
            }
            at += chunk;
        }
        Tensor[] inputs = ts.toArray(new Tensor[0]);
        return Autograd.record(new Tensor(o, so), g -> {
            for (int t = 0; t < inputs.length; t++) {
                if (!inputs[t].requiresGrad()) {
                    continue;
                }
                int chunk = inputs[t].shapeRef()[d] * inner;
                float[] gt = new float[outer * chunk];
                for (int p = 0; p < outer; p++) {
                    System.arraycopy(g, p * rowOut + starts[t], gt, p * chunk, chunk);
                }
                inputs[t].accumulateGrad(gt);
            }
        }, inputs);
    }

    static Tensor stack(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) {
            throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        }
        int[] s0 = ts.get(0).shapeRef();
        int d = Shapes.dim("stack", dim, s0.length + 1);
        for (int t = 1; t < ts.size(); t++) {
            if (!Arrays.equals(ts.get(t).shapeRef(), s0)) {
                throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got "
                        + Shapes.str(s0) + " at entry 0 and " + Shapes.str(ts.get(t).shapeRef()) + " at entry " + t);
            }
        }
        return cat(ts.stream().map(t -> t.unsqueeze(d)).toList(), d);
    }
}
