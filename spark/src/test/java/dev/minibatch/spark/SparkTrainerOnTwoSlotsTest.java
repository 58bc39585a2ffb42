package dev.minibatch.spark;

/** {@link SparkTrainerTest} on local[2]: 2 ranks. */
class SparkTrainerOnTwoSlotsTest extends SparkTrainerTest {
    SparkTrainerOnTwoSlotsTest() {
        super(2);
    }
}
