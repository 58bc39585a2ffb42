package dev.minibatch.data;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensors that share their first dimension, read row by row, like {@code torch.utils.data.TensorDataset}:
 * item {@code i} is the {@link Batch} of each tensor's row {@code i}. A batch is gathered with one
 * {@link Tensor#index(int...)} per tensor, without building its items: the lesson's last trick, and
 * the loader's fast path.
 */
public final class TensorDataset implements Dataset<Batch> {
    private final List<Tensor> tensors;
    private final int size;

    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset needs at least one tensor");
        }
        for (int t = 0; t < tensors.length; t++) {
            if (tensors[t].dim() == 0) {
                throw new IllegalArgumentException("TensorDataset: tensor " + t + " is a scalar; each tensor "
                        + "needs a first dimension to index");
            }
            if (tensors[t].size(0) != tensors[0].size(0)) {
                throw new IllegalArgumentException("TensorDataset: size mismatch between tensors: tensor 0 has "
                        + tensors[0].size(0) + " rows (shape " + Arrays.toString(tensors[0].shape())
                        + ") but tensor " + t + " has " + tensors[t].size(0) + " (shape "
                        + Arrays.toString(tensors[t].shape()) + ")");
            }
        }
        this.tensors = List.of(tensors);
        this.size = tensors[0].size(0);
    }

    @Override
    public int size() {
        return size;
    }

    /** The tensors, in the order given: typically inputs then targets. */
    public List<Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(int i) {
        return tensors.get(i);
    }

    @Override
    public Batch get(int index) {
        List<Tensor> row = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            row.add(t.index(index).squeeze(0));
        }
        return new Batch(row);
    }

    @Override
    public Batch getBatch(int[] indices) {
        List<Tensor> columns = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            columns.add(t.index(indices));
        }
        return new Batch(columns);
    }
}
