package dev.minibatch.spark;

/** {@link SparkTrainerTest} on local[4]: 4 ranks. */
class SparkTrainerOnFourSlotsTest extends SparkTrainerTest {
    SparkTrainerOnFourSlotsTest() {
        super(4);
    }
}
