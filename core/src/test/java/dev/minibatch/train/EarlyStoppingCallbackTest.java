package dev.minibatch.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EarlyStoppingCallbackTest {
    private static final float[] VALID_LOSSES = {1.0f, 0.8f, 0.85f, 0.79f, 0.9f, 0.95f, 0.7f};

    private static Learner run() {
        return ScriptedRun.learner(1, 1, (epoch, training, batch) -> training ? 1f : VALID_LOSSES[epoch - 1]);
    }

    /** Epoch 4 (0.79) is the best; epochs 5 and 6 do not beat it, so patience 2 stops after epoch 6. */
    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        History h = run().addCallbacks(new EarlyStoppingCallback(2)).fit(7);
        assertEquals(6, h.lastEpoch());
        assertEquals("early stopping: valid_loss has not improved for 2 epochs (best 0.7900 at epoch 4)",
                h.stopReason().orElseThrow());
    }

    /** With a minimum improvement of 0.02, epoch 4's 0.79 does not count against epoch 2's 0.8. */
    @Test
    void smallerGainsThanMinDeltaAreNotImprovements() {
        History h = run().addCallbacks(new EarlyStoppingCallback("valid_loss", 3, 0.02)).fit(7);
        assertEquals(5, h.lastEpoch(), h.toString());
    }

    /** Metrics improve upwards. */
    @Test
    void aMetricImprovesUpwards() {
        double[] accuracy = {0.5, 0.6, 0.55, 0.58};
        int[] validations = {0};
        Learner learner = ScriptedRun.learner(1, 1, (epoch, training, batch) -> 1f)
                .metrics(Metric.of("accuracy", (p, y) -> accuracy[validations[0]++]));
        History h = learner.addCallbacks(new EarlyStoppingCallback("accuracy", 2, 0)).fit(4);
        assertEquals(4, h.lastEpoch());
        assertEquals("early stopping: accuracy has not improved for 2 epochs (best 0.6000 at epoch 2)",
                h.stopReason().orElseThrow());
    }

    /** The count restarts from the history, so a resumed run stops where an uninterrupted one does. */
    @Test
    void aResumedRunStopsAtTheSameEpoch() {
        History first = run().fit(5);
        History resumed = run().resumeFrom(first).addCallbacks(new EarlyStoppingCallback(2)).fit(2);
        assertEquals(6, resumed.lastEpoch());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), resumed.epochs().stream().map(EpochResult::epoch).toList());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStoppingCallback(0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStoppingCallback("valid_loss", 1, -1));
    }
}
