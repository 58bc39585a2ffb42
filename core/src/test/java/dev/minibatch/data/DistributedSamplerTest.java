package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static dev.minibatch.data.SequentialSamplerTest.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The expected index lists follow torch/utils/data/distributed.py: the order is padded with its own start
 * to {@code num_samples * num_replicas} (or cut with drop_last), then rank r takes {@code order[r::num_replicas]}.
 */
class DistributedSamplerTest {
    private static DistributedSampler inOrder(int n, int replicas, int rank, boolean dropLast) {
        return new DistributedSampler(n, replicas, rank, false, 0, dropLast);
    }

    @Test
    void eachRankTakesEveryNthIndexAndTheOrderIsPaddedWithItsStart() {
        // 10 samples on 3 replicas: ceil(10/3) = 4 each, so the order 0..9 is padded with 0, 1.
        assertArrayEquals(new int[] {0, 3, 6, 9}, epoch(inOrder(10, 3, 0, false)));
        assertArrayEquals(new int[] {1, 4, 7, 0}, epoch(inOrder(10, 3, 1, false)));
        assertArrayEquals(new int[] {2, 5, 8, 1}, epoch(inOrder(10, 3, 2, false)));
        assertEquals(4, inOrder(10, 3, 0, false).size());
        assertEquals(12, inOrder(10, 3, 0, false).totalSize());
    }

    @Test
    void dropLastCutsTheOrderToAMultipleOfTheReplicas() {
        // ceil((10 - 3) / 3) = 3 each: the order is cut to 0..8.
        assertArrayEquals(new int[] {0, 3, 6}, epoch(inOrder(10, 3, 0, true)));
        assertArrayEquals(new int[] {1, 4, 7}, epoch(inOrder(10, 3, 1, true)));
        assertArrayEquals(new int[] {2, 5, 8}, epoch(inOrder(10, 3, 2, true)));
        assertEquals(3, inOrder(10, 3, 2, true).size());
    }

    @Test
    void paddingLongerThanTheDatasetRepeatsItWhole() {
        // 2 samples on 5 replicas: the padding of 3 is (indices * 2)[:3], so the order is 0, 1, 0, 1, 0.
        int[] got = IntStream.range(0, 5).map(r -> epoch(inOrder(2, 5, r, false))[0]).toArray();
        assertArrayEquals(new int[] {0, 1, 0, 1, 0}, got);
    }

    @Test
    void evenSplitNeedsNeitherPaddingNorCut() {
        assertArrayEquals(new int[] {1, 3, 5, 7}, epoch(inOrder(8, 2, 1, false)));
        assertArrayEquals(new int[] {1, 3, 5, 7}, epoch(inOrder(8, 2, 1, true)));
    }

    @Test
    void shuffledReplicasShareOnePermutationSeededBySeedPlusEpoch() {
        int n = 12;
        int[] perm = new Generator(5 + 3).permutation(n);
        int[] union = new int[n];
        for (int r = 0; r < 4; r++) {
            DistributedSampler s = new DistributedSampler(n, 4, r, true, 5, false);
            s.setEpoch(3);
            int[] mine = epoch(s);
            for (int i = 0; i < mine.length; i++) {
                assertEquals(perm[r + 4 * i], mine[i], "rank " + r + ", position " + i);
                union[r + 4 * i] = mine[i];
            }
        }
        assertArrayEquals(perm, union, "the replicas together cover the permutation once");
    }

    @Test
    void theOrderChangesOnlyWithSetEpoch() {
        DistributedSampler s = new DistributedSampler(100, 2, 0, true, 0, false);
        int[] first = epoch(s);
        assertArrayEquals(first, epoch(s), "without setEpoch every epoch repeats the order");
        s.setEpoch(1);
        int[] second = epoch(s);
        assertFalse(Arrays.equals(first, second));
        s.setEpoch(0);
        assertArrayEquals(first, epoch(s));
    }

    @Test
    void defaultsAreShuffledSeedZeroAndPadded() {
        DistributedSampler s = new DistributedSampler(7, 2, 1);
        int[] perm = new Generator(0).permutation(7);
        assertArrayEquals(new int[] {perm[1], perm[3], perm[5], perm[0]}, epoch(s));
    }

    @Test
    void batchesOfALoaderComeFromTheRanksShare() {
        TensorDataset ds = new TensorDataset(Tensor.ofInts(IntStream.range(0, 10).toArray(), 10));
        DataLoader<Batch> loader = DataLoader.builder(ds).sampler(inOrder(10, 3, 1, false)).batchSize(3).build();
        assertEquals(2, loader.size());
        int[] seen = StreamSupport.stream(loader.spliterator(), false)
                .flatMapToInt(b -> Arrays.stream(b.x().toIntArray())).toArray();
        assertArrayEquals(new int[] {1, 4, 7, 0}, seen);
    }

    @Test
    void refusesARankOutsideTheReplicas() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(10, 3, 3));
        assertEquals("Invalid rank 3, rank should be in the interval [0, 2]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(10, 3, -1));
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(10, 0, 0));
    }
}
