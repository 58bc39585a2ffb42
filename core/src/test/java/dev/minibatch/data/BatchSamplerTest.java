package dev.minibatch.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSamplerTest {
    /** The example of PyTorch's BatchSampler documentation. */
    @Test
    void keepsTheShortLastBatch() {
        BatchSampler s = new BatchSampler(new SequentialSampler(10), 3, false);
        assertEquals(4, s.size());
        List<int[]> batches = all(s);
        assertEquals(4, batches.size());
        assertArrayEquals(new int[] {0, 1, 2}, batches.get(0));
        assertArrayEquals(new int[] {3, 4, 5}, batches.get(1));
        assertArrayEquals(new int[] {6, 7, 8}, batches.get(2));
        assertArrayEquals(new int[] {9}, batches.get(3));
    }

    @Test
    void dropLastDropsTheShortLastBatch() {
        BatchSampler s = new BatchSampler(new SequentialSampler(10), 3, true);
        assertEquals(3, s.size());
        List<int[]> batches = all(s);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {6, 7, 8}, batches.get(2));
    }

    @Test
    void evenDivisionHasNoShortBatchEitherWay() {
        assertEquals(5, new BatchSampler(new SequentialSampler(10), 2, false).size());
        assertEquals(5, new BatchSampler(new SequentialSampler(10), 2, true).size());
        assertEquals(5, all(new BatchSampler(new SequentialSampler(10), 2, true)).size());
    }

    @Test
    void batchLargerThanTheEpoch() {
        assertEquals(1, all(new BatchSampler(new SequentialSampler(3), 8, false)).size());
        assertTrue(all(new BatchSampler(new SequentialSampler(3), 8, true)).isEmpty());
        assertEquals(0, new BatchSampler(new SequentialSampler(3), 8, true).size());
    }

    @Test
    void refusesNonPositiveBatchSize() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new BatchSampler(new SequentialSampler(3), 0, false));
        assertTrue(e.getMessage().contains("batch_size=0"), e.getMessage());
    }

    static List<int[]> all(Iterable<int[]> batches) {
        List<int[]> out = new ArrayList<>();
        batches.forEach(out::add);
        return out;
    }
}
