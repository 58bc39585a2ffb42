package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.minibatch.data.SequentialSamplerTest.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomSamplerTest {
    @Test
    void eachIndexExactlyOncePerEpoch() {
        RandomSampler s = new RandomSampler(1000, new Generator(1));
        for (int e = 0; e < 3; e++) {
            int[] order = epoch(s);
            assertArrayEquals(range(1000), sorted(order));
        }
    }

    @Test
    void newOrderEveryEpoch() {
        RandomSampler s = new RandomSampler(1000, new Generator(1));
        int[] first = epoch(s);
        int[] second = epoch(s);
        assertFalse(Arrays.equals(first, second));
        assertFalse(Arrays.equals(range(1000), first), "a shuffled epoch is not in order");
    }

    @Test
    void sameSeedGivesTheSameSequenceOfEpochs() {
        RandomSampler a = new RandomSampler(100, new Generator(7));
        RandomSampler b = new RandomSampler(100, new Generator(7));
        for (int e = 0; e < 3; e++) {
            assertArrayEquals(epoch(a), epoch(b));
        }
    }

    @Test
    void withoutGeneratorEachEpochIsSeededFromTheDefaultGenerator() {
        RandomSampler s = new RandomSampler(100);
        Minibatch.manualSeed(3);
        int[] first = epoch(s);
        int[] second = epoch(s);
        Minibatch.manualSeed(3);
        assertArrayEquals(first, epoch(s));
        assertArrayEquals(second, epoch(s));
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void numSamplesBeyondSizeRepeatsWholePermutationsThenPartOfOne() {
        RandomSampler s = new RandomSampler(10, false, 25, new Generator(2));
        assertEquals(25, s.size());
        int[] e = epoch(s);
        assertArrayEquals(range(10), sorted(Arrays.copyOfRange(e, 0, 10)));
        assertArrayEquals(range(10), sorted(Arrays.copyOfRange(e, 10, 20)));
        assertEquals(5, Arrays.stream(e, 20, 25).distinct().count(), "the tail is part of one permutation");
    }

    @Test
    void numSamplesBelowSizeTakesPartOfAPermutation() {
        int[] e = epoch(new RandomSampler(100, false, 30, new Generator(2)));
        assertEquals(30, Arrays.stream(e).distinct().count());
        assertTrue(Arrays.stream(e).allMatch(i -> i >= 0 && i < 100));
    }

    @Test
    void withReplacementDrawsIndependently() {
        RandomSampler s = new RandomSampler(10, true, 1000, new Generator(4));
        int[] e = epoch(s);
        assertEquals(1000, e.length);
        int[] counts = new int[10];
        for (int i : e) {
            counts[i]++;
        }
        for (int c : counts) {
            assertTrue(c > 50 && c < 150, "each of 10 indices about 100 times in 1000: " + Arrays.toString(counts));
        }
    }

    @Test
    void refusesNonPositiveNumSamplesLikePyTorch() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RandomSampler(10, false, 0, null));
        assertTrue(e.getMessage().contains("num_samples should be a positive integer value"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(0));
        assertThrows(IllegalArgumentException.class, () -> new RandomSampler(0, true, 5, null));
    }

    static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    static int[] sorted(int[] a) {
        int[] c = a.clone();
        Arrays.sort(c);
        return c;
    }
}
