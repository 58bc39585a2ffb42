package dev.minibatch.tensor;

/** Ops that change a tensor's shape. Reshapes share storage (tensors here are always contiguous). */
final class ShapeOps {
    private ShapeOps() {
    }

    static Tensor reshape(String op, Tensor a, int[] requested) {
        int[] so = Shapes.infer(op, a.shapeRef(), requested);
        return share(a, so);
    }

    /** A tensor with the same storage in another shape; the gradient is reshaped back. */
    private static Tensor share(Tensor a, int[] so) {
        if (!a.isFloat()) {
            return Tensor.wrapInts(a.intStorage(), so);
        }
        Tensor out = new Tensor(a.storage(), so);
        return Autograd.record(out, a::accumulateGrad, a);
    }

    static Tensor squeeze(Tensor a) {
        int[] s = a.shapeRef();
        int kept = 0;
        for (int v : s) {
            if (v != 1) {
                kept++;
            }
        }
        int[] so = new int[kept];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (s[i] != 1) {
                so[j++] = s[i];
            }
        }
        return share(a, so);
    }

    /** Removes {@code dim} if its size is 1, and otherwise returns the tensor as it is (as PyTorch does). */
    static Tensor squeeze(Tensor a, int dim) {
        int[] s = a.shapeRef();
        if (s.length == 0) {
            return a;
        }
        int d = Shapes.dim("squeeze", dim, s.length);
        return s[d] == 1 ? share(a, Shapes.removeDim(s, d)) : a;
    }

    static Tensor unsqueeze(Tensor a, int dim) {
        int[] s = a.shapeRef();
        int d = Shapes.dim("unsqueeze", dim, s.length + 1);
        int[] so = new int[s.length + 1];
        for (int i = 0, j = 0; i < so.length; i++) {
            so[i] = i == d ? 1 : s[j++];
        }
        return share(a, so);
    }

    static Tensor flatten(Tensor a, int startDim, int endDim) {
        int[] s = a.shapeRef();
        if (s.length == 0) {
            return share(a, new int[] {1});
        }
        int st = Shapes.dim("flatten", startDim, s.length);
        int en = Shapes.dim("flatten", endDim, s.length);
        if (st > en) {
            throw new IllegalArgumentException("flatten: start dim " + startDim + " comes after end dim " + endDim);
        }
        int[] so = new int[s.length - (en - st)];
        int merged = 1;
        for (int i = st; i <= en; i++) {
            merged *= s[i];
        }
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i < st || i > en) {
                so[j++] = s[i];
            } else if (i == st) {
                so[j++] = merged;
            }
        }
        return share(a, so);
    }

    /** Swaps two dimensions, copying into a contiguous result. */
    static Tensor transpose(Tensor a, int dim0, int dim1) {
        int[] s = a.shapeRef();
        if (s.length < 2) {
            return a;
        }
        int d0 = Shapes.dim("transpose", dim0, s.length);
        int d1 = Shapes.dim("transpose", dim1, s.length);
        int[] perm = new int[s.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[d0] = d1;
        perm[d1] = d0;
        int[] so = new int[s.length];
        for (int i = 0; i < so.length; i++) {
            so[i] = s[perm[i]];
        }
        int[] srcStrides = Shapes.strides(s);
        int[] permStrides = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            permStrides[i] = srcStrides[perm[i]];
        }
        int[] map = Shapes.offsets(so, permStrides);
        if (!a.isFloat()) {
            int[] x = a.intStorage();
            int[] o = new int[x.length];
            for (int i = 0; i < o.length; i++) {
                o[i] = x[map[i]];
            }
            return Tensor.wrapInts(o, so);
        }
        float[] x = a.storage();
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = x[map[i]];
        }
        return Autograd.record(new Tensor(o, so), g -> {
            float[] ga = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                ga[map[i]] = g[i];
            }
            a.accumulateGrad(ga);
        }, a);
    }
}
