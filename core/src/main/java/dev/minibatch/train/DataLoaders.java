package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.data.Dataset;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;

/**
 * The lesson's {@code get_dls}: a shuffling training loader and an unshuffled validation loader with
 * batches twice as large (validation needs no gradients, so twice as many samples fit in memory).
 *
 * @param generator the training loader's shuffle generator, which a checkpoint saves so that a resumed
 *                  run sees the same order of batches as an uninterrupted one
 */
public record DataLoaders(DataLoader<Batch> train, DataLoader<Batch> valid, Generator generator) {
    /** Shuffled from a generator seeded by the default generator, so {@code Minibatch.manualSeed} fixes it. */
    public static DataLoaders of(Dataset<Batch> trainDs, Dataset<Batch> validDs, int batchSize) {
        return of(trainDs, validDs, batchSize, Minibatch.defaultGenerator().nextLong(), 0);
    }

    public static DataLoaders of(Dataset<Batch> trainDs, Dataset<Batch> validDs, int batchSize, long seed) {
        return of(trainDs, validDs, batchSize, seed, 0);
    }

    /** @param numWorkers threads preparing batches ahead of the training loop, for each loader */
    public static DataLoaders of(Dataset<Batch> trainDs, Dataset<Batch> validDs, int batchSize, long seed,
            int numWorkers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("DataLoaders: batch size must be positive, got " + batchSize);
        }
        Generator generator = new Generator(seed);
        DataLoader<Batch> train = DataLoader.builder(trainDs).batchSize(batchSize).shuffle(true)
                .generator(generator).numWorkers(numWorkers).build();
        DataLoader<Batch> valid = DataLoader.builder(validDs).batchSize(batchSize * 2).numWorkers(numWorkers).build();
        return new DataLoaders(train, valid, generator);
    }
}
