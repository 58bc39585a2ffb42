package dev.minibatch.data;

import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

/** {@code 0, 1, ..., n-1} in order, every epoch: how a validation loader reads its dataset. */
public final class SequentialSampler implements Sampler {
    private final int n;

    public SequentialSampler(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("SequentialSampler: size must be non-negative, got " + n);
        }
        this.n = n;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public PrimitiveIterator.OfInt iterator() {
        return IntStream.range(0, n).iterator();
    }
}
