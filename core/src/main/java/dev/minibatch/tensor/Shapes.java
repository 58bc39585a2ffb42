package dev.minibatch.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: sizes, strides, broadcasting and dimension checks. */
final class Shapes {
    private Shapes() {
    }

    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Wraps a possibly negative dimension into [0, rank), as PyTorch does. */
    static int dim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException(
                    op + ": dimension " + dim + " is out of range for a tensor of rank " + rank
                            + " (expected to be in [" + (-r) + ", " + (r - 1) + "])");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** NumPy/PyTorch broadcasting: align trailing dimensions; sizes must match or be 1. */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides with which to read a tensor of shape {@code in} as if it had the broadcast shape {@code out}:
     * broadcast dimensions get stride 0.
     */
    static int[] broadcastStrides(int[] in, int[] out) {
        int[] st = strides(in);
        int[] res = new int[out.length];
        int off = out.length - in.length;
        for (int i = 0; i < in.length; i++) {
            res[i + off] = in[i] == 1 && out[i + off] != 1 ? 0 : st[i];
        }
        return res;
    }

    static int[] removeDim(int[] shape, int dim) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    static int[] keepDim(int[] shape, int dim) {
        int[] out = shape.clone();
        out[dim] = 1;
        return out;
    }

    /** Product of the sizes before {@code dim}. */
    static int outer(int[] shape, int dim) {
        int n = 1;
        for (int i = 0; i < dim; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Product of the sizes after {@code dim}. */
    static int inner(int[] shape, int dim) {
        int n = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    /** Resolves one -1 in a requested shape, checking that the element count is preserved. */
    static int[] infer(String op, int[] from, int[] requested) {
        int[] out = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + str(requested));
                }
                unknown = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + out[i] + " in " + str(requested));
            } else {
                known *= out[i];
            }
        }
        int n = numel(from);
        if (unknown >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + str(requested)
                        + " is invalid for a tensor of shape " + str(from) + " (" + n + " elements)");
            }
            out[unknown] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + str(requested)
                    + " is invalid for a tensor of shape " + str(from) + " (" + n + " elements)");
        }
        return out;
    }

    /** For each element of a tensor of {@code shape} (row-major), its offset when read with {@code strides}. */
    static int[] offsets(int[] shape, int[] strides) {
        int n = numel(shape);
        int[] offs = new int[n];
        int rank = shape.length;
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            offs[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return offs;
    }
}
