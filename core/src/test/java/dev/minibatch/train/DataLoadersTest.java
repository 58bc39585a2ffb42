package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataLoadersTest {
    /** Row i holds the value i, so a batch shows which rows it took. */
    private static TensorDataset rows(int n) {
        float[] x = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x, n, 1), Tensor.ofInts(y, n));
    }

    private static List<int[]> epoch(Iterable<Batch> loader) {
        List<int[]> batches = new ArrayList<>();
        loader.forEach(b -> batches.add(b.y().toIntArray()));
        return batches;
    }

    private static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void validationBatchesAreTwiceAsLargeAndInOrder() {
        DataLoaders dls = DataLoaders.of(rows(100), rows(50), 16, 3);
        List<int[]> valid = epoch(dls.valid());
        assertEquals(List.of(32, 18), valid.stream().map(b -> b.length).toList());
        assertArrayEquals(rows(50).tensor(1).toIntArray(), flat(valid));
        assertEquals(2, dls.valid().size());
        assertEquals(7, dls.train().size());
    }

    @Test
    void trainingBatchesAreShuffledAnewEachEpochAndFixedBySeed() {
        DataLoaders a = DataLoaders.of(rows(100), rows(10), 16, 3);
        DataLoaders b = DataLoaders.of(rows(100), rows(10), 16, 3);
        int[] first = flat(epoch(a.train()));
        int[] second = flat(epoch(a.train()));
        assertFalse(Arrays.equals(first, second), "a new order each epoch");
        assertArrayEquals(first, flat(epoch(b.train())), "the same seed gives the same order");
        assertArrayEquals(second, flat(epoch(b.train())));
        int[] sorted = first.clone();
        Arrays.sort(sorted);
        assertArrayEquals(rows(100).tensor(1).toIntArray(), sorted, "each sample once per epoch");
    }

    @Test
    void restoringTheGeneratorStateRepeatsTheNextEpoch() {
        DataLoaders dls = DataLoaders.of(rows(100), rows(10), 16, 3);
        epoch(dls.train());
        long[] state = dls.generator().getState();
        int[] next = flat(epoch(dls.train()));
        DataLoaders fresh = DataLoaders.of(rows(100), rows(10), 16, 12345);
        fresh.generator().setState(state);
        assertArrayEquals(next, flat(epoch(fresh.train())));
    }

    @Test
    void withoutASeedTheOrderFollowsManualSeed() {
        Minibatch.manualSeed(8);
        int[] a = flat(epoch(DataLoaders.of(rows(100), rows(10), 16).train()));
        Minibatch.manualSeed(8);
        int[] b = flat(epoch(DataLoaders.of(rows(100), rows(10), 16).train()));
        Minibatch.manualSeed(9);
        int[] c = flat(epoch(DataLoaders.of(rows(100), rows(10), 16).train()));
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void workersGiveTheSameBatches() {
        DataLoaders plain = DataLoaders.of(rows(100), rows(10), 16, 3);
        DataLoaders threaded = DataLoaders.of(rows(100), rows(10), 16, 3, 2);
        assertArrayEquals(flat(epoch(plain.train())), flat(epoch(threaded.train())));
    }

    @Test
    void batchSizeMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> DataLoaders.of(rows(10), rows(10), 0, 1));
    }
}
