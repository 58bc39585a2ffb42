package dev.minibatch.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SequentialSamplerTest {
    @Test
    void yieldsEveryIndexInOrderEachEpoch() {
        SequentialSampler s = new SequentialSampler(5);
        assertEquals(5, s.size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, epoch(s));
        assertArrayEquals(epoch(s), epoch(s));
    }

    @Test
    void emptyDatasetHasAnEmptyEpoch() {
        assertArrayEquals(new int[0], epoch(new SequentialSampler(0)));
    }

    @Test
    void refusesNegativeSize() {
        assertThrows(IllegalArgumentException.class, () -> new SequentialSampler(-1));
    }

    static int[] epoch(Sampler s) {
        var it = s.iterator();
        int[] out = new int[s.size()];
        int k = 0;
        while (it.hasNext()) {
            out[k++] = it.nextInt();
        }
        assertEquals(s.size(), k, "an epoch yields size() indices");
        return out;
    }
}
