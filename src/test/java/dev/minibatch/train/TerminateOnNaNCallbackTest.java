package dev.minibatch.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TerminateOnNaNCallbackTest {
    private final TerminateOnNaNCallback callback = new TerminateOnNaNCallback();

    @Test
    void nanLossStopsNamingEpochAndBatch() {
        StopTrainingException e = assertThrows(StopTrainingException.class, () -> callback.onBatchEnd(2, 17, Float.NaN));
        assertEquals("the training loss became NaN at epoch 2, batch 17 (a lower learning rate may help)",
                e.getMessage());
    }

    @Test
    void infiniteLossStops() {
        StopTrainingException e = assertThrows(StopTrainingException.class,
                () -> callback.onBatchEnd(1, 3, Float.POSITIVE_INFINITY));
        assertEquals("the training loss became Infinity at epoch 1, batch 3 (a lower learning rate may help)",
                e.getMessage());
    }

    @Test
    void finiteLossesGoOn() {
        assertDoesNotThrow(() -> callback.onBatchEnd(1, 1, 1e30f));
        assertDoesNotThrow(() -> callback.onEpochEnd(new EpochResult(1, 0.5, 0.4, 0.9, 1)));
    }

    @Test
    void nanValidationLossStopsNamingTheEpoch() {
        StopTrainingException e = assertThrows(StopTrainingException.class,
                () -> callback.onEpochEnd(new EpochResult(3, 0.5, Double.NaN, 0.1, 1)));
        assertEquals("the validation loss became NaN at epoch 3", e.getMessage());
    }
}
