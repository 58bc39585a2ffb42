package dev.minibatch.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A map-style dataset, like {@code torch.utils.data.Dataset}: a size and an item per index. A
 * {@link DataLoader} asks it for whole batches through {@link #getBatch}, so a dataset that can answer
 * many indices at once (a {@link TensorDataset} gathers rows) overrides that and skips per-item work.
 *
 * @param <T> the type of an item, which is also the type of a batch of items
 */
public interface Dataset<T> {
    int size();

    /** The item at {@code index}, for {@code 0 <= index < size()}. */
    T get(int index);

    /**
     * The items at these indices, collated into one batch. The default fetches each item with
     * {@link #get} and stacks them with {@link Collate#stack()}, which keeps the item's type (tensors,
     * {@link Batch}es and lists of these); it must be safe to call from several threads at once, as a
     * loader with worker threads does.
     */
    default T getBatch(int[] indices) {
        List<T> items = new ArrayList<>(indices.length);
        for (int i : indices) {
            items.add(get(i));
        }
        return Collate.<T>stack().apply(items);
    }
}
