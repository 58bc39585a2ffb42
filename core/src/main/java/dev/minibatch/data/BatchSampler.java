package dev.minibatch.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * Groups a sampler's indices into batches, like {@code torch.utils.data.BatchSampler}: the last batch
 * is shorter when the epoch does not divide evenly, or dropped with {@code dropLast}.
 */
public final class BatchSampler implements Iterable<int[]> {
    private final Sampler sampler;
    private final int batchSize;
    private final boolean dropLast;

    public BatchSampler(Sampler sampler, int batchSize, boolean dropLast) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size should be a positive integer value, but got batch_size="
                    + batchSize);
        }
        this.sampler = sampler;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
    }

    /** The number of batches in an epoch. */
    public int size() {
        int n = sampler.size();
        return dropLast ? n / batchSize : (int) ((n + (long) batchSize - 1) / batchSize);
    }

    /** The batches of a new epoch; the sampler draws its order when this is called. */
    @Override
    public Iterator<int[]> iterator() {
        PrimitiveIterator.OfInt indices = sampler.iterator();
        return new Iterator<>() {
            private int[] next = advance();

            private int[] advance() {
                int[] batch = new int[batchSize];
                int k = 0;
                while (k < batchSize && indices.hasNext()) {
                    batch[k++] = indices.nextInt();
                }
                if (k == 0 || (k < batchSize && dropLast)) {
                    return null;
                }
                return k == batchSize ? batch : Arrays.copyOf(batch, k);
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public int[] next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                int[] out = next;
                next = advance();
                return out;
            }
        };
    }
}
