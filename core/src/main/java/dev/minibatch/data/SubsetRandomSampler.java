package dev.minibatch.data;

import dev.minibatch.tensor.Generator;

import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

/**
 * The given indices in a new random order every epoch, like {@code torch.utils.data.SubsetRandomSampler}:
 * to train on part of a dataset without copying it.
 */
public final class SubsetRandomSampler implements Sampler {
    private final int[] indices;
    private final Generator generator;

    public SubsetRandomSampler(int[] indices) {
        this(indices, null);
    }

    /** @param generator the source of randomness, or null to seed each epoch from the default generator */
    public SubsetRandomSampler(int[] indices, Generator generator) {
        this.indices = indices.clone();
        this.generator = generator;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public PrimitiveIterator.OfInt iterator() {
        Generator g = generator != null ? generator : Seeds.fromDefault();
        return IntStream.of(g.permutation(indices.length)).map(i -> indices[i]).iterator();
    }
}
