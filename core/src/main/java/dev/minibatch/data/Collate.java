package dev.minibatch.data;

import java.util.List;

/**
 * Turns the items of one batch into the batch, like a {@code collate_fn}.
 *
 * @param <T> the type of an item
 * @param <B> the type of a batch
 */
@FunctionalInterface
public interface Collate<T, B> {
    B apply(List<? extends T> items);

    /**
     * PyTorch's {@code default_collate}: tensors are stacked along a new first dimension, Integer and
     * Long values become an int32 tensor (PyTorch's would be int64), Float and Double values a float32
     * tensor, and a {@link Batch} or a {@link List} is collated element by element, recursively.
     */
    static Collate<Object, Object> defaultCollate() {
        return items -> Collation.collate(items, true);
    }

    /**
     * The default collate for items whose batch has the item's own type: tensors, {@link Batch}es and
     * lists of these. Numbers are refused, since their batch is a tensor; collate such items with
     * {@link #defaultCollate()}.
     */
    @SuppressWarnings("unchecked")
    static <T> Collate<T, T> stack() {
        return items -> (T) Collation.collate(items, false);
    }
}
