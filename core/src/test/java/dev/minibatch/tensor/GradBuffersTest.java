package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The pools of dead interior gradients and of ops' dead index arrays: per thread, by exact size, the most recent
 * first, and bounded.
 */
class GradBuffersTest {

    @Test
    void aGivenArrayIsTakenAgainForItsSizeOnItsThread() throws InterruptedException {
        float[] a = new float[1234];
        GradBuffers.give(a);
        float[][] elsewhere = new float[1][];
        Thread other = new Thread(() -> elsewhere[0] = GradBuffers.take(1234));
        other.start();
        other.join();
        assertNotSame(a, elsewhere[0], "another thread's pool");
        assertEquals(1233, GradBuffers.take(1233).length, "another size: a new array");
        assertSame(a, GradBuffers.take(1234));
        assertNotSame(a, GradBuffers.take(1234), "taken once only");
    }

    @Test
    void theMostRecentIsTakenFirstAndTheOldestDroppedPastTheBound() {
        int half = (int) (GradBuffers.MAX_ELEMENTS / 2);
        float[] oldest = new float[half];
        float[] middle = new float[half];
        float[] newest = new float[half];
        GradBuffers.give(oldest);
        GradBuffers.give(middle);
        GradBuffers.give(newest);
        assertSame(newest, GradBuffers.take(half));
        assertSame(middle, GradBuffers.take(half));
        assertNotSame(oldest, GradBuffers.take(half), "dropped: three halves are past the bound");
        float[] huge = new float[(int) GradBuffers.MAX_ELEMENTS + 1];
        GradBuffers.give(huge);
        assertNotSame(huge, GradBuffers.take(huge.length), "an array past the bound alone is not kept");
    }

    @Test
    void indexArraysHaveAPoolOfTheirOwn() {
        int[] a = new int[777];
        GradBuffers.giveInts(a);
        assertEquals(777, GradBuffers.take(777).length, "a float array of that size is another pool's");
        assertEquals(776, GradBuffers.takeInts(776).length, "another size: a new array");
        assertSame(a, GradBuffers.takeInts(777));
        assertNotSame(a, GradBuffers.takeInts(777), "taken once only");
    }
}
