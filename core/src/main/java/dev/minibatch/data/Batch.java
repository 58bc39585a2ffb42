package dev.minibatch.data;

import dev.minibatch.tensor.Tensor;

import java.util.List;

/**
 * A tuple of tensors: one example {@code (x_i, y_i)} of a {@link TensorDataset}, or a batch
 * {@code (xb, yb)} of them, where each tensor gains a first dimension of the batch size. A training loop
 * reads {@code b.x()} and {@code b.y()}; datasets with more than inputs and targets use {@link #get}.
 */
public record Batch(List<Tensor> tensors) {
    public Batch {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("a Batch holds at least one tensor");
        }
        tensors = List.copyOf(tensors);
    }

    public static Batch of(Tensor... tensors) {
        return new Batch(List.of(tensors));
    }

    /** The first tensor: the inputs. */
    public Tensor x() {
        return tensors.get(0);
    }

    /** The second tensor: the targets. */
    public Tensor y() {
        if (tensors.size() < 2) {
            throw new IllegalStateException("this Batch holds only inputs (1 tensor), no targets");
        }
        return tensors.get(1);
    }

    public Tensor get(int i) {
        if (i < 0 || i >= tensors.size()) {
            throw new IndexOutOfBoundsException("tensor " + i + " of a Batch of " + tensors.size());
        }
        return tensors.get(i);
    }
}
