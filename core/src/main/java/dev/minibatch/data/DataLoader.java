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
        return new Builder<>(dataset, dataset::getBatch, Options.DEFAULTS);
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
        private Options options;

        private Builder(Dataset<T> dataset, Function<int[], ? extends B> fetch, Options options) {
            this.dataset = dataset;
            this.fetch = fetch;
            this.options = options;
        }

        /** Items per batch; PyTorch's default is 1. */
        public Builder<T, B> batchSize(int batchSize) {
            options = options.withBatchSize(batchSize);
            return this;
        }

        /** A new random order every epoch (a {@link RandomSampler} drawing from the loader's generator). */
        public Builder<T, B> shuffle(boolean shuffle) {
            options = options.withShuffle(shuffle);
            return this;
        }

        public Builder<T, B> sampler(Sampler sampler) {
            options = options.withSampler(sampler);
            return this;
        }

        public Builder<T, B> batchSampler(BatchSampler batchSampler) {
            options = options.withBatchSampler(batchSampler);
            return this;
        }

        /** Drops the last batch when it is shorter than {@code batchSize}. */
        public Builder<T, B> dropLast(boolean dropLast) {
            options = options.withDropLast(dropLast);
            return this;
        }

        /** Threads that prepare batches ahead of the loop; 0 (the default) prepares them on the caller's. */
        public Builder<T, B> numWorkers(int numWorkers) {
            options = options.withNumWorkers(numWorkers);
            return this;
        }

        /** Batches in flight per worker; PyTorch's default is 2. */
        public Builder<T, B> prefetchFactor(int prefetchFactor) {
            options = options.withPrefetchFactor(prefetchFactor);
            return this;
        }

        /** The generator a shuffling loader draws from; without one, each epoch is seeded from the default. */
        public Builder<T, B> generator(Generator generator) {
            options = options.withGenerator(generator);
            return this;
        }

        /** Shorthand for {@code generator(new Generator(seed))}. */
        public Builder<T, B> seed(long seed) {
            return generator(new Generator(seed));
        }

        /** Batches made by {@code collate} from the items that {@link Dataset#get} returns. */
        public <C> Builder<T, C> collate(Collate<? super T, ? extends C> collate) {
            return new Builder<>(dataset, indices -> collate.apply(items(indices)), options);
        }

        private List<T> items(int[] indices) {
            List<T> items = new ArrayList<>(indices.length);
            for (int i : indices) {
                items.add(dataset.get(i));
            }
            return items;
        }

        public DataLoader<B> build() {
            Options o = options;
            if (o.numWorkers < 0) {
                throw new IllegalArgumentException("num_workers option should be non-negative; use num_workers=0 "
                        + "to disable worker threads (got " + o.numWorkers + ")");
            }
            if (o.prefetchFactor != null && o.numWorkers == 0) {
                throw new IllegalArgumentException("prefetch_factor option could only be specified with worker "
                        + "threads: set numWorkers > 0, or leave prefetchFactor unset");
            }
            if (o.prefetchFactor != null && o.prefetchFactor <= 0) {
                throw new IllegalArgumentException("prefetch_factor should be a positive integer, got "
                        + o.prefetchFactor);
            }
            if (o.sampler != null && o.shuffle) {
                throw new IllegalArgumentException("sampler option is mutually exclusive with shuffle");
            }
            if (o.batchSampler != null && (o.batchSize != 1 || o.shuffle || o.sampler != null || o.dropLast)) {
                throw new IllegalArgumentException("batch_sampler option is mutually exclusive with batch_size, "
                        + "shuffle, sampler, and drop_last");
            }
            BatchSampler batches = o.batchSampler != null ? o.batchSampler
                    : new BatchSampler(indexSampler(), o.batchSize, o.dropLast);
            return new DataLoader<>(batches, fetch, o.numWorkers, o.prefetchFactor == null ? 2 : o.prefetchFactor);
        }

        private Sampler indexSampler() {
            Options o = options;
            if (o.sampler != null) {
                return o.sampler;
            }
            return o.shuffle ? new RandomSampler(dataset.size(), o.generator) : new SequentialSampler(dataset.size());
        }
    }

    /**
     * A builder's options, as one value: a builder for another batch type ({@link Builder#collate}) takes them
     * whole. A null {@code prefetchFactor} is one the user did not set.
     */
    private record Options(int batchSize, boolean shuffle, Sampler sampler, BatchSampler batchSampler,
                           boolean dropLast, int numWorkers, Integer prefetchFactor, Generator generator) {
        static final Options DEFAULTS = new Options(1, false, null, null, false, 0, null, null);

        Options withBatchSize(int v) {
            return new Options(v, shuffle, sampler, batchSampler, dropLast, numWorkers, prefetchFactor, generator);
        }

        Options withShuffle(boolean v) {
            return new Options(batchSize, v, sampler, batchSampler, dropLast, numWorkers, prefetchFactor, generator);
        }

        Options withSampler(Sampler v) {
            return new Options(batchSize, shuffle, v, batchSampler, dropLast, numWorkers, prefetchFactor, generator);
        }

        Options withBatchSampler(BatchSampler v) {
            return new Options(batchSize, shuffle, sampler, v, dropLast, numWorkers, prefetchFactor, generator);
        }

        Options withDropLast(boolean v) {
            return new Options(batchSize, shuffle, sampler, batchSampler, v, numWorkers, prefetchFactor, generator);
        }

        Options withNumWorkers(int v) {
            return new Options(batchSize, shuffle, sampler, batchSampler, dropLast, v, prefetchFactor, generator);
        }

        Options withPrefetchFactor(Integer v) {
            return new Options(batchSize, shuffle, sampler, batchSampler, dropLast, numWorkers, v, generator);
        }

        Options withGenerator(Generator v) {
            return new Options(batchSize, shuffle, sampler, batchSampler, dropLast, numWorkers, prefetchFactor, v);
        }
    }
}
