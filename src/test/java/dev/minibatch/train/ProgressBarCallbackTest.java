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
        progress.onFitStart(History.empty(), 3);
        progress.onEpochStart(1, 20);
        for (int batch = 1; batch <= 20; batch++) {
            clock.nanos += 100_000_000L;
            progress.onBatchEnd(1, batch, batch <= 10 ? 1.0f : 0.5f);
        }
        progress.onEpochEnd(new EpochResult(1, 0.75, 0.6, 0.875, 2.0));

        List<String> lines = lines();
        assertEquals(10, lines.size(), lines.toString());
        assertEquals("epoch 1/3 2/20 batches (10%) loss 1.0000, 10.0 batches/s, 0:02 left", lines.get(0));
        assertEquals("epoch 1/3 10/20 batches (50%) loss 1.0000, 10.0 batches/s, 0:01 left", lines.get(4));
        assertEquals("epoch 1/3 18/20 batches (90%) loss 0.7778, 10.0 batches/s, 0:00 left", lines.get(8));
        assertEquals("epoch 1/3: train_loss 0.7500, valid_loss 0.6000, valid_acc 0.8750, 2.0s", lines.get(9));
    }

    @Test
    void fewBatchesPrintOneLineEach() {
        ProgressBarCallback progress = new ProgressBarCallback(out, false, () -> 0L);
        progress.onFitStart(History.empty(), 1);
        progress.onEpochStart(1, 3);
        for (int batch = 1; batch <= 3; batch++) {
            progress.onBatchEnd(1, batch, 2f);
        }
        assertEquals(List.of("epoch 1/1 1/3 batches (33%) loss 2.0000, 0.0 batches/s, ? left",
                "epoch 1/1 2/3 batches (66%) loss 2.0000, 0.0 batches/s, ? left"), lines());
    }

    @Test
    void resumeAndStopAreReported() {
        ProgressBarCallback progress = new ProgressBarCallback(out, false, () -> 0L);
        progress.onFitStart(History.of(List.of(new EpochResult(1, 1, 1, 0.5, 1))), 5);
        progress.onFitEnd(History.empty().stoppedBecause("the training loss became NaN at epoch 2, batch 7"));
        assertEquals(List.of("resuming after epoch 1 of 5",
                "stopped early: the training loss became NaN at epoch 2, batch 7"), lines());
    }

    @Test
    void terminalModeDrawsAProgressBarUpToTheTotal() {
        ProgressBarCallback progress = new ProgressBarCallback(out, true);
        progress.onFitStart(History.empty(), 2);
        progress.onEpochStart(1, 4);
        for (int batch = 1; batch <= 4; batch++) {
            progress.onBatchEnd(1, batch, 0.25f);
        }
        progress.onEpochEnd(new EpochResult(1, 0.25, 0.3, 0.9, 1.0));
        String text = captured.toString(StandardCharsets.UTF_8);
        String bar = text.substring(text.lastIndexOf('\r') + 1, text.indexOf('\n', text.lastIndexOf('\r')));
        assertTrue(bar.startsWith("epoch 1/2 100%"), bar);
        assertTrue(bar.contains("4/4 batches"), bar);
        assertTrue(bar.contains("loss 0.2500"), bar);
        assertTrue(text.endsWith("epoch 1/2: train_loss 0.2500, valid_loss 0.3000, valid_acc 0.9000, 1.0s"
                + System.lineSeparator()), text);
    }

    @Test
    void durationsAreMinutesAndSecondsOrHours() {
        assertEquals("0:07", ProgressBarCallback.duration(7.4));
        assertEquals("2:05", ProgressBarCallback.duration(125));
        assertEquals("1:01:01", ProgressBarCallback.duration(3661));
    }
}
