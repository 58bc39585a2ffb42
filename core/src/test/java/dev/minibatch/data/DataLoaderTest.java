package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static dev.minibatch.data.RandomSamplerTest.range;
import static dev.minibatch.data.RandomSamplerTest.sorted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {
    /** A dataset whose inputs are their own indices, so a batch shows which items it holds. */
    static TensorDataset indices(int n) {
        int[] y = new int[n];
        Arrays.setAll(y, i -> i % 10);
        return new TensorDataset(Tensor.arange(n), Tensor.ofInts(y, n));
    }

    static List<int[]> epoch(DataLoader<Batch> loader) {
        List<int[]> out = new ArrayList<>();
        for (Batch b : loader) {
            out.add(b.x().toIntArray());
        }
        return out;
    }

    static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @ParameterizedTest(name = "n={0} batchSize={1} dropLast={2} -> {3} batches")
    @CsvSource({"10,3,false,4", "10,3,true,3", "10,5,false,2", "10,5,true,2", "50000,50,false,1000",
            "50001,50,false,1001", "50001,50,true,1000", "3,8,false,1", "3,8,true,0"})
    void sizeIsTheNumberOfBatchesWithPyTorchsRuleForTheLastOne(int n, int bs, boolean dropLast, int expected) {
        DataLoader<Batch> loader = DataLoader.builder(indices(n)).batchSize(bs).dropLast(dropLast).build();
        assertEquals(expected, loader.size());
        List<int[]> batches = epoch(loader);
        assertEquals(expected, batches.size());
        for (int[] b : batches.subList(0, Math.max(0, batches.size() - 1))) {
            assertEquals(bs, b.length);
        }
    }

    @Test
    void shufflingLoaderVisitsEachIndexExactlyOncePerEpochInANewOrder() {
        DataLoader<Batch> loader = DataLoader.builder(indices(1000)).batchSize(64).shuffle(true).seed(1).build();
        int[] first = flat(epoch(loader));
        int[] second = flat(epoch(loader));
        assertArrayEquals(range(1000), sorted(first));
        assertArrayEquals(range(1000), sorted(second));
        assertFalse(Arrays.equals(first, second), "every epoch has a new order");
        assertFalse(Arrays.equals(range(1000), first));
    }

    @Test
    void validationLoaderDoesNotShuffle() {
        DataLoader<Batch> valid = DataLoader.of(indices(100), 32, false);
        assertArrayEquals(range(100), flat(epoch(valid)));
        assertArrayEquals(range(100), flat(epoch(valid)));
    }

    @Test
    void sameSeedGivesTheSameBatchesWhateverTheNumberOfWorkers() {
        List<List<int[]>> reference = epochs(0);
        for (int workers : new int[] {1, 4}) {
            List<List<int[]>> other = epochs(workers);
            for (int e = 0; e < reference.size(); e++) {
                assertEquals(reference.get(e).size(), other.get(e).size());
                for (int b = 0; b < reference.get(e).size(); b++) {
                    assertArrayEquals(reference.get(e).get(b), other.get(e).get(b),
                            "epoch " + e + " batch " + b + " with " + workers + " workers");
                }
            }
        }
    }

    private static List<List<int[]>> epochs(int workers) {
        DataLoader<Batch> loader = DataLoader.builder(indices(1003)).batchSize(50).shuffle(true).seed(42)
                .numWorkers(workers).build();
        return List.of(epoch(loader), epoch(loader), epoch(loader));
    }

    @Test
    void batchesCarryInputsAndTargets() {
        TensorDataset ds = indices(20);
        for (Batch b : DataLoader.builder(ds).batchSize(8).shuffle(true).seed(3).build()) {
            int[] x = b.x().toIntArray();
            int[] y = b.y().toIntArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i] % 10, y[i], "target travels with its input");
            }
        }
    }

    @Test
    void samplerDecidesTheOrder() {
        DataLoader<Batch> loader = DataLoader.builder(indices(100)).batchSize(7)
                .sampler(new SubsetRandomSampler(new int[] {3, 30, 33, 60}, new Generator(0))).build();
        assertEquals(1, loader.size());
        assertArrayEquals(new int[] {3, 30, 33, 60}, sorted(flat(epoch(loader))));
    }

    @Test
    void batchSamplerDecidesTheBatchesAndTheLength() {
        BatchSampler batches = new BatchSampler(new SequentialSampler(10), 4, true);
        DataLoader<Batch> loader = DataLoader.builder(indices(10)).batchSampler(batches).build();
        assertEquals(2, loader.size());
        assertArrayEquals(new int[] {4, 5, 6, 7}, epoch(loader).get(1));
    }

    @Test
    void randomSamplerWithNumSamplesDecidesTheLength() {
        RandomSampler s = new RandomSampler(10, true, 95, new Generator(1));
        DataLoader<Batch> loader = DataLoader.builder(indices(10)).batchSize(10).sampler(s).build();
        assertEquals(10, loader.size());
        assertEquals(95, flat(epoch(loader)).length);
    }

    @Test
    void refusesTheCombinationsPyTorchRefuses() {
        BatchSampler bs = new BatchSampler(new SequentialSampler(10), 2, false);
        Sampler seq = new SequentialSampler(10);
        List<Supplier<DataLoader.Builder<Batch, Batch>>> refused = List.of(
                () -> DataLoader.builder(indices(10)).sampler(seq).shuffle(true),
                () -> DataLoader.builder(indices(10)).batchSampler(bs).batchSize(4),
                () -> DataLoader.builder(indices(10)).batchSampler(bs).shuffle(true),
                () -> DataLoader.builder(indices(10)).batchSampler(bs).sampler(seq),
                () -> DataLoader.builder(indices(10)).batchSampler(bs).dropLast(true),
                () -> DataLoader.builder(indices(10)).numWorkers(-1),
                () -> DataLoader.builder(indices(10)).prefetchFactor(2),
                () -> DataLoader.builder(indices(10)).numWorkers(1).prefetchFactor(0),
                () -> DataLoader.builder(indices(10)).batchSize(0));
        for (var b : refused) {
            assertThrows(IllegalArgumentException.class, () -> b.get().build());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> refused.get(1).get().build());
        assertTrue(e.getMessage().contains("mutually exclusive with batch_size, shuffle, sampler, and drop_last"));
        assertEquals(5, DataLoader.builder(indices(10)).batchSampler(bs).batchSize(1).build().size(),
                "batch size 1 is PyTorch's default, which a batch sampler accepts");
    }

    /** A dataset of (image, label) items with a plain Integer label, as a custom PyTorch dataset returns. */
    private record Labelled(int n) implements Dataset<List<Object>> {
        @Override
        public int size() {
            return n;
        }

        @Override
        public List<Object> get(int i) {
            return List.of(Tensor.full(i, 2), i * 10);
        }
    }

    @Test
    void collateTurnsItemsIntoBatches() {
        DataLoader<Object> loader = DataLoader.builder(new Labelled(5)).batchSize(2)
                .collate(Collate.defaultCollate()).build();
        List<Object> batches = new ArrayList<>();
        loader.forEach(batches::add);
        List<?> last = (List<?>) batches.get(2);
        assertArrayEquals(new float[] {4, 4}, ((Tensor) last.get(0)).toFloatArray());
        assertArrayEquals(new int[] {40}, ((Tensor) last.get(1)).toIntArray());
        DataLoader<Integer> counts = DataLoader.builder(new Labelled(5)).batchSize(2)
                .collate((List<? extends List<Object>> items) -> items.size()).build();
        List<Integer> sizes = new ArrayList<>();
        counts.forEach(sizes::add);
        assertEquals(List.of(2, 2, 1), sizes);
    }

    @Test
    void collateKeepsEveryOptionSetBeforeIt() {
        DataLoader<Batch> plain = DataLoader.builder(indices(10)).batchSize(3).shuffle(true).seed(4).dropLast(true)
                .numWorkers(1).prefetchFactor(3).build();
        DataLoader<int[]> collated = DataLoader.builder(indices(10)).batchSize(3).shuffle(true).seed(4).dropLast(true)
                .numWorkers(1).prefetchFactor(3)
                .collate((List<? extends Batch> items) -> items.stream().mapToInt(b -> (int) b.x().item()).toArray())
                .build();
        List<int[]> batches = new ArrayList<>();
        collated.forEach(batches::add);
        assertEquals(3, collated.size(), "batch size 3 with the last, short batch dropped");
        assertEquals(1, collated.numWorkers());
        List<int[]> expected = epoch(plain);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), batches.get(i), "the same shuffled order, from the same seed");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataLoader
                .builder(indices(4)).prefetchFactor(2).collate(Collate.defaultCollate()).build());
        assertTrue(e.getMessage().startsWith("prefetch_factor option could only be specified"), e.getMessage());
    }

    @Test
    void defaultGetBatchStacksItemsOfACustomDataset() {
        Dataset<Tensor> squares = new Dataset<>() {
            @Override
            public int size() {
                return 4;
            }

            @Override
            public Tensor get(int i) {
                return Tensor.full(i * i, 3);
            }
        };
        List<Tensor> batches = new ArrayList<>();
        DataLoader.of(squares, 3, false).forEach(batches::add);
        assertArrayEquals(new int[] {3, 3}, batches.get(0).shape());
        assertArrayEquals(new float[] {9, 9, 9}, batches.get(1).toFloatArray());
    }
}
