package dev.minibatch.data;

import java.util.PrimitiveIterator;

/**
 * Produces the dataset indices of one epoch, like {@code torch.utils.data.Sampler}. Indices are plain
 * ints, so that an epoch of a large dataset is not boxed.
 */
public interface Sampler {
    /** The number of indices an epoch yields. */
    int size();

    /** The indices of a new epoch: a shuffling sampler draws a new order on each call. */
    PrimitiveIterator.OfInt iterator();
}
