package dev.minibatch.train;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTest {
    /** Rows predict classes 0, 2, 2, 1; the targets are 0, 1, 2, 1. */
    private static final Tensor LOGITS = Tensor.of(new float[] {
        3, 1, 0,
        0, 1, 2,
        -1, -2, 5,
        0, 4, 1}, 4, 3);
    private static final Tensor TARGET = Tensor.ofInts(new int[] {0, 1, 2, 1});

    @Test
    void confusionMatrixCountsTrueClassByPrediction() {
        int[][] cm = Metrics.confusionMatrix(LOGITS, TARGET, 3);
        assertArrayEquals(new int[] {1, 0, 0}, cm[0]);
        assertArrayEquals(new int[] {0, 1, 1}, cm[1]);
        assertArrayEquals(new int[] {0, 0, 1}, cm[2]);
        assertEquals(0.75f, Metrics.accuracy(LOGITS, TARGET), "the diagonal over the total is the accuracy");
    }

    @Test
    void confusionMatrixRejectsTargetsOutsideTheClasses() {
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.confusionMatrix(LOGITS, Tensor.ofInts(new int[] {0, 1, 3, 1}), 3));
        assertThrows(IllegalArgumentException.class, () -> Metrics.confusionMatrix(LOGITS, TARGET, 4));
    }

    /** Row 1's target (class 1) is its second largest; ties go to the lower index, as argmax does. */
    @Test
    void topKAccuracyCountsTargetsAmongTheKLargest() {
        assertEquals(0.75f, Metrics.topKAccuracy(LOGITS, TARGET, 1));
        assertEquals(1.0f, Metrics.topKAccuracy(LOGITS, TARGET, 2));
        Tensor tie = Tensor.of(new float[] {1, 1, 0}, 1, 3);
        assertEquals(1.0f, Metrics.topKAccuracy(tie, Tensor.ofInts(new int[] {0}), 1));
        assertEquals(0.0f, Metrics.topKAccuracy(tie, Tensor.ofInts(new int[] {1}), 1));
        assertEquals(1.0f, Metrics.topKAccuracy(tie, Tensor.ofInts(new int[] {1}), 2));
        assertEquals(Metrics.accuracy(LOGITS, TARGET), Metric.accuracy().sum(LOGITS, TARGET) / 4, 0.0);
        assertEquals(4.0, Metric.topKAccuracy(2).sum(LOGITS, TARGET), 0.0);
        assertEquals("top5", Metric.topKAccuracy(5).name());
        assertThrows(IllegalArgumentException.class, () -> Metric.topKAccuracy(0));
        assertThrows(IllegalArgumentException.class, () -> Metrics.topKAccuracy(LOGITS, Tensor.of(new float[4], 4), 1));
    }

    /** A NaN ranks first, as in argmax: top-1 accuracy is the lesson's accuracy on any logits. */
    @Test
    void topOneIsArgmaxEvenWithNaN() {
        Tensor logits = Tensor.of(new float[] {
            Float.NaN, 1, 2,
            0, Float.NaN, Float.NaN,
            3, 1, Float.NaN}, 3, 3);
        for (int[] targets : new int[][] {{0, 1, 2}, {2, 2, 0}, {1, 1, 2}}) {
            Tensor y = Tensor.ofInts(targets);
            assertEquals(Metrics.accuracy(logits, y), Metrics.topKAccuracy(logits, y, 1), java.util.Arrays.toString(targets));
        }
        assertEquals(1.0f, Metrics.topKAccuracy(logits, Tensor.ofInts(new int[] {0, 1, 2}), 1));
        assertEquals(2f / 3, Metrics.topKAccuracy(logits, Tensor.ofInts(new int[] {1, 2, 0}), 2));
    }
}
