package dev.minibatch.data;

import dev.minibatch.tensor.Generator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Batches of a {@link Dataset}, epoch after epoch, like {@code torch.utils.data.DataLoader}: a
 * {@link BatchSampler} draws each batch's indices, the dataset answers them with
 * {@link Dataset#getBatch} (or a {@link Collate} turns its items into the batch), and worker threads can
 * prepare batches ahead of the training loop.
 *
 * <pre>{@code
 * var train = DataLoader.builder(trainDs).batchSize(64).shuffle(true).seed(42).build();
 * for (int epoch = 0; epoch < 3; epoch++) {
 *     for (Batch b : train) { model.forward(b.x()) ... b.y() ... }
 * }
 * }</pre>
 *
 * A loader runs one epoch at a time: {@link #iterator()} closes the previous epoch's iterator.
 *
 * @param <B> the type of a batch
 */
public final class DataLoader<B> implements Iterable<B> {
    /** How long an idle worker waits for a batch before it ends, so an abandoned epoch leaves no thread. */
    private static final AtomicInteger LOADERS = new AtomicInteger();

    private final BatchSampler batchSampler;
    private final Function<int[], ? extends B> fetch;
    private final int numWorkers;
    private final int prefetchFactor;
    private final String threadPrefix;
    private BatchIterator<B> current;

    private DataLoader(BatchSampler batchSampler, Function<int[], ? extends B> fetch, int numWorkers,
                       int prefetchFactor) {
        this.batchSampler = batchSampler;
        this.fetch = fetch;
        this.numWorkers = numWorkers;
        this.prefetchFactor = prefetchFactor;
        this.threadPrefix = "minibatch-loader-" + LOADERS.incrementAndGet() + "-worker-";
    }

    /** PyTorch's {@code DataLoader(dataset, batch_size=batchSize, shuffle=shuffle)}. */
    public static <T> DataLoader<T> of(Dataset<T> dataset, int batchSize, boolean shuffle) {
        return builder(dataset).batchSize(batchSize).shuffle(shuffle).build();
    }

    /** A builder whose batches come from {@link Dataset#getBatch}, until another collate is given. */
    public static <T> Builder<T, T> builder(Dataset<T> dataset) {
        if (dataset == null) {
            throw new IllegalArgumentException("DataLoader: dataset is null");
        }
        return new Builder<>(dataset, dataset::getBatch);
    }

    /** The number of batches in an epoch: that of the batch sampler, with PyTorch's rule for the last one. */
    public int size() {
        return batchSampler.size();
    }

    public int numWorkers() {
        return numWorkers;
    }

    /** A new epoch; it closes the previous epoch's iterator and stops its workers. */
    @Override
    public synchronized BatchIterator<B> iterator() {
        if (current != null) {
            current.close("its DataLoader started a new epoch");
        }
        Workers workers = numWorkers == 0 ? null : new Workers(numWorkers, threadPrefix);
        current = new BatchIterator<>(batchSampler.iterator(), fetch, workers, numWorkers * prefetchFactor);
        return current;
    }


    /**
     * The options of {@code torch.utils.data.DataLoader}, checked together by {@link #build()} with
     * PyTorch's rules: a {@code batchSampler} replaces batchSize, shuffle, sampler and dropLast; a
     * {@code sampler} replaces shuffle; {@code prefetchFactor} needs workers.
     *
     * @param <T> the type of the dataset's items
     * @param <B> the type of a batch
     */
    public static final class Builder<T, B> {
        private final Dataset<T> dataset;
        private final Function<int[], ? extends B> fetch;
        private int batchSize = 1;
        private boolean shuffle;
        private Sampler sampler;
        private BatchSampler batchSampler;
        private boolean dropLast;
        private int numWorkers;
        private Integer prefetchFactor;
        private Generator generator;

        private Builder(Dataset<T> dataset, Function<int[], ? extends B> fetch) {
            this.dataset = dataset;
            this.fetch = fetch;
        }

        /** Items per batch; PyTorch's default is 1. */
        public Builder<T, B> batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** A new random order every epoch (a {@link RandomSampler} drawing from the loader's generator). */
        public Builder<T, B> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        public Builder<T, B> sampler(Sampler sampler) {
            this.sampler = sampler;
            return this;
        }

        public Builder<T, B> batchSampler(BatchSampler batchSampler) {
            this.batchSampler = batchSampler;
            return this;
        }

        /** Drops the last batch when it is shorter than {@code batchSize}. */
        public Builder<T, B> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Threads that prepare batches ahead of the loop; 0 (the default) prepares them on the caller's. */
        public Builder<T, B> numWorkers(int numWorkers) {
            this.numWorkers = numWorkers;
            return this;
        }

        /** Batches in flight per worker; PyTorch's default is 2. */
        public Builder<T, B> prefetchFactor(int prefetchFactor) {
            this.prefetchFactor = prefetchFactor;
            return this;
        }

        /** The generator a shuffling loader draws from; without one, each epoch is seeded from the default. */
        public Builder<T, B> generator(Generator generator) {
            this.generator = generator;
            return this;
        }

        /** Shorthand for {@code generator(new Generator(seed))}. */
        public Builder<T, B> seed(long seed) {
            return generator(new Generator(seed));
        }

        /** Batches made by {@code collate} from the items that {@link Dataset#get} returns. */
        public <C> Builder<T, C> collate(Collate<? super T, ? extends C> collate) {
            Builder<T, C> b = new Builder<>(dataset, indices -> collate.apply(items(indices)));
            b.batchSize = batchSize;
            b.shuffle = shuffle;
            b.sampler = sampler;
            b.batchSampler = batchSampler;
            b.dropLast = dropLast;
            b.numWorkers = numWorkers;
            b.prefetchFactor = prefetchFactor;
            b.generator = generator;
            return b;
        }

        private List<T> items(int[] indices) {
            List<T> items = new ArrayList<>(indices.length);
            for (int i : indices) {
                items.add(dataset.get(i));
            }
            return items;
        }

        public DataLoader<B> build() {
            if (numWorkers < 0) {
                throw new IllegalArgumentException("num_workers option should be non-negative; use num_workers=0 "
                        + "to disable worker threads (got " + numWorkers + ")");
            }
            if (prefetchFactor != null && numWorkers == 0) {
                throw new IllegalArgumentException("prefetch_factor option could only be specified with worker "
                        + "threads: set numWorkers > 0, or leave prefetchFactor unset");
            }
            if (prefetchFactor != null && prefetchFactor <= 0) {
                throw new IllegalArgumentException("prefetch_factor should be a positive integer, got "
                        + prefetchFactor);
            }
            if (sampler != null && shuffle) {
                throw new IllegalArgumentException("sampler option is mutually exclusive with shuffle");
            }
            if (batchSampler != null && (batchSize != 1 || shuffle || sampler != null || dropLast)) {
                throw new IllegalArgumentException("batch_sampler option is mutually exclusive with batch_size, "
                        + "shuffle, sampler, and drop_last");
            }
            BatchSampler batches = batchSampler != null ? batchSampler
                    : new BatchSampler(indexSampler(), batchSize, dropLast);
            return new DataLoader<>(batches, fetch, numWorkers, prefetchFactor == null ? 2 : prefetchFactor);
        }

        private Sampler indexSampler() {
            if (sampler != null) {
                return sampler;
            }
            return shuffle ? new RandomSampler(dataset.size(), generator) : new SequentialSampler(dataset.size());
        }
    }
}
