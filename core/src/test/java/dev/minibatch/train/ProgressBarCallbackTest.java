package dev.minibatch.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarCallbackTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** A fake clock: every batch takes a tenth of a second. */
    private static final class Clock {
        long nanos;
    }

    @Test
    void plainLinesAtEveryTenthWithLossRateAndTimeLeft() {
        Clock clock = new Clock();
        ProgressBarCallback progress = new ProgressBarCallback(out, false, () -> clock.nanos);
        Learner learner = ScriptedRun.learner(20, 2, (epoch, training, batch) -> {
            clock.nanos += 100_000_000L;
            return !training ? 0.6f : batch <= 10 ? 1.0f : 0.5f;
        }, 0.875);
        learner.addCallbacks(progress).fit(1);

        List<String> lines = lines();
        assertEquals(10, lines.size(), lines.toString());
        assertEquals("epoch 1/1 2/20 batches (10%) loss 1.0000, 10.0 batches/s, 0:02 left", lines.get(0));
        assertEquals("epoch 1/1 10/20 batches (50%) loss 1.0000, 10.0 batches/s, 0:01 left", lines.get(4));
        assertEquals("epoch 1/1 18/20 batches (90%) loss 0.7778, 10.0 batches/s, 0:00 left", lines.get(8));
        assertEquals("epoch 1/1: train_loss 0.7500, valid_loss 0.6000, accuracy 0.8750, 2.0s", lines.get(9));
    }

    @Test
    void fewBatchesPrintOneLineEachAndValidationBatchesNone() {
        ProgressBarCallback progress = new ProgressBarCallback(out, false, () -> 0L);
        ScriptedRun.learner(3, 5, (epoch, training, batch) -> 2f).addCallbacks(progress).fit(1);
        assertEquals(List.of("epoch 1/1 1/3 batches (33%) loss 2.0000, 0.0 batches/s, ? left",
                "epoch 1/1 2/3 batches (66%) loss 2.0000, 0.0 batches/s, ? left",
                "epoch 1/1: train_loss 2.0000, valid_loss 2.0000, accuracy 0.5000, 2.0s"), lines());
    }

    @Test
    void resumeAndStopAreReported() {
        ProgressBarCallback progress = new ProgressBarCallback(out, false, () -> 0L);
        Learner learner = ScriptedRun.learner(1, 1, (epoch, training, batch) -> epoch == 2 ? Float.NaN : 1f);
        learner.resumeFrom(History.of(List.of(new EpochResult(1, 1, 1, java.util.Map.of(), 1))));
        learner.addCallbacks(progress).fit(4);
        assertEquals(List.of("resuming after epoch 1 of 5",
                "stopped early: non-finite value at epoch 2, batch 1: the training loss is NaN "
                        + "(a lower learning rate may help)"), lines());
    }

    /** The command prints each epoch's line on stdout: the bar on stderr must not print it again. */
    @Test
    void progressOnlyLeavesTheReportToTheProgram() {
        ProgressBarCallback progress = new ProgressBarCallback(out, false, () -> 0L).progressOnly();
        Learner learner = ScriptedRun.learner(3, 1, (epoch, training, batch) -> epoch == 3 ? Float.NaN : 2f);
        learner.resumeFrom(History.of(List.of(new EpochResult(1, 1, 1, java.util.Map.of(), 1))));
        learner.addCallbacks(progress).fit(2);
        assertEquals(List.of("epoch 2/3 1/3 batches (33%) loss 2.0000, 0.0 batches/s, ? left",
                "epoch 2/3 2/3 batches (66%) loss 2.0000, 0.0 batches/s, ? left"), lines());
    }

    @Test
    void terminalModeDrawsAProgressBarUpToTheTotal() {
        ProgressBarCallback progress = new ProgressBarCallback(out, true);
        ScriptedRun.learner(4, 1, (epoch, training, batch) -> training ? 0.25f : 0.3f, 0.9)
                .addCallbacks(progress).fit(2);
        String text = captured.toString(StandardCharsets.UTF_8);
        String first = text.substring(0, text.indexOf("epoch 1/2: "));
        String bar = first.substring(first.lastIndexOf('\r') + 1, first.indexOf('\n', first.lastIndexOf('\r')));
        assertTrue(bar.startsWith("epoch 1/2 100%"), bar);
        assertTrue(bar.contains("4/4 batches"), bar);
        assertTrue(bar.contains("loss 0.2500"), bar);
        assertTrue(text.contains("loss 0.2500" + System.lineSeparator() + "epoch 2/2: "), "the bar ends its line: " + text);
        assertTrue(text.endsWith("epoch 2/2: train_loss 0.2500, valid_loss 0.3000, accuracy 0.9000, 2.0s"
                + System.lineSeparator()), text);
    }

    @Test
    void terminalBarEndsWithTheEpochsMeanLossWhenTheClockHasNotMoved() {
        // The loss is formatted at most every 100 ms, and always at the epoch's last batch.
        ProgressBarCallback progress = new ProgressBarCallback(out, true, () -> 0L);
        ScriptedRun.learner(4, 1, (epoch, training, batch) -> training ? batch : 0.3f, 0.9)
                .addCallbacks(progress).fit(1);
        String text = captured.toString(StandardCharsets.UTF_8);
        String first = text.substring(0, text.indexOf("epoch 1/1: "));
        String bar = first.substring(first.lastIndexOf('\r') + 1, first.indexOf('\n', first.lastIndexOf('\r')));
        assertTrue(bar.contains("4/4 batches"), bar);
        assertTrue(bar.contains("loss 2.5000"), "mean of 1, 2, 3, 4: " + bar);
    }

    @Test
    void durationsAreMinutesAndSecondsOrHours() {
        assertEquals("0:07", ProgressBarCallback.duration(7.4));
        assertEquals("2:05", ProgressBarCallback.duration(125));
        assertEquals("1:01:01", ProgressBarCallback.duration(3661));
    }
}
