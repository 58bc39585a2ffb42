package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.minibatch.data.RandomSamplerTest.sorted;
import static dev.minibatch.data.SequentialSamplerTest.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SubsetRandomSamplerTest {
    @Test
    void yieldsExactlyTheSubsetInANewOrderEachEpoch() {
        int[] subset = new int[50];
        Arrays.setAll(subset, i -> 3 * i + 1);
        SubsetRandomSampler s = new SubsetRandomSampler(subset, new Generator(5));
        assertEquals(50, s.size());
        int[] first = epoch(s);
        int[] second = epoch(s);
        assertArrayEquals(subset, sorted(first));
        assertArrayEquals(subset, sorted(second));
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void keepsItsOwnCopyOfTheIndices() {
        int[] subset = {4, 5, 6};
        SubsetRandomSampler s = new SubsetRandomSampler(subset, new Generator(5));
        subset[0] = 99;
        assertArrayEquals(new int[] {4, 5, 6}, sorted(epoch(s)));
    }
}
