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
}
