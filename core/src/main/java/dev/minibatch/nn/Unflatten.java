package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/**
 * Splits dimension {@code dim} into {@code unflattenedSize}, like {@code nn.Unflatten}: {@code Unflatten(1, 1, 28,
 * 28)} turns a batch of flattened images [N, 784] into [N, 1, 28, 28], the input a {@link Conv2d} expects.
 */
public class Unflatten extends Module {
    public final int dim;
    private final int[] unflattenedSize;

    public Unflatten(int dim, int... unflattenedSize) {
        if (unflattenedSize.length == 0) {
            throw new IllegalArgumentException("Unflatten: unflattened_size must hold at least one size");
        }
        for (int s : unflattenedSize) {
            if (s < 1 && s != -1) {
                throw new IllegalArgumentException("Unflatten: sizes must be positive (or one -1), got "
                        + Arrays.toString(unflattenedSize));
            }
        }
        this.dim = dim;
        this.unflattenedSize = unflattenedSize.clone();
    }

    public int[] unflattenedSize() {
        return unflattenedSize.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        int d = dim < 0 ? dim + s.length : dim;
        if (d < 0 || d >= s.length) {
            throw new IllegalArgumentException(this + ": dim " + dim + " is out of range for input of shape "
                    + Arrays.toString(s));
        }
        int[] out = new int[s.length - 1 + unflattenedSize.length];
        System.arraycopy(s, 0, out, 0, d);
        System.arraycopy(unflattenedSize, 0, out, d, unflattenedSize.length);
        System.arraycopy(s, d + 1, out, d + unflattenedSize.length, s.length - d - 1);
        try {
            return x.reshape(out);
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    /** PyTorch's, with the sizes as a Python tuple: {@code dim=1, unflattened_size=(1, 28, 28)}. */
    @Override
    protected String extraRepr() {
        StringBuilder t = new StringBuilder("(");
        for (int i = 0; i < unflattenedSize.length; i++) {
            t.append(i > 0 ? ", " : "").append(unflattenedSize[i]);
        }
        return "dim=" + dim + ", unflattened_size=" + t.append(unflattenedSize.length == 1 ? ",)" : ")");
    }
}
