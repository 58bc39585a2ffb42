package dev.minibatch.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotCallbackTest {
    @TempDir
    Path dir;

    @Test
    void drawsTheLossAndEachMetricInAFolderItCreates() throws IOException {
        Path plots = dir.resolve("not/yet/there");
        PlotCallback callback = new PlotCallback(plots);
        ScriptedRun.learner(2, 1, (epoch, training, batch) -> 1f / epoch)
                .metrics(Metric.mean("accuracy", (p, y) -> 0.5), Metric.mean("top5", (p, y) -> 0.9))
                .addCallbacks(callback).fit(2);
        assertEquals(800, ImageIO.read(callback.lossPlot().toFile()).getWidth());
        assertEquals(plots.resolve("accuracy.png"), callback.metricPlot("accuracy"));
        assertTrue(Files.size(callback.metricPlot("accuracy")) > 1000);
        assertTrue(Files.size(callback.metricPlot("top5")) > 1000);
    }

    /** A chart that cannot be written fails the run, by the end of the run at the latest. */
    @Test
    void aChartThatCannotBeWrittenFailsTheRun() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "not a folder");
        Learner learner = ScriptedRun.learner(2, 1, (epoch, training, batch) -> 1f)
                .addCallbacks(new PlotCallback(file.resolve("plots")));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> learner.fit(2));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    /**
     * Epochs that end while charts are drawn do not wait and are not queued: the next drawing shows the
     * newest history, and the run ends with the charts of its last epoch.
     */
    @Test
    void epochsEndingWhileChartsAreDrawnAreDrawnOnceAsTheNewestHistory() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> drawn = Collections.synchronizedList(new ArrayList<>());
        PlotCallback callback = new PlotCallback(dir, Duration.ZERO, history -> {
            drawn.add(history.lastEpoch());
            started.countDown();
            awaitQuietly(release);
        });
        Callback releaseAtTheEnd = new Callback() {
            @Override
            public void afterFit(Learner learner) {
                release.countDown();
            }
        };
        Callback firstDrawingUnderWay = new Callback() {
            @Override
            public void afterEpoch(Learner learner) {
                if (learner.epoch() == 1) {
                    awaitQuietly(started);
                }
            }
        };
        History history = ScriptedRun.learner(2, 1, (epoch, training, batch) -> 1f)
                .addCallbacks(releaseAtTheEnd, callback, firstDrawingUnderWay).fit(4);
        assertEquals(4, history.lastEpoch());
        assertEquals(List.of(1, 4), drawn);
    }

    /**
     * Within the interval, epochs are not drawn as they end: the first epoch's drawing (or a later one's, if
     * the drawer started late) and then, when the run ends, the last epoch's without waiting out the hour.
     */
    @Test
    void drawingsStartAtMostOncePerIntervalAndTheLastAtTheEnd() {
        List<Integer> drawn = Collections.synchronizedList(new ArrayList<>());
        PlotCallback callback = new PlotCallback(dir, Duration.ofHours(1), history -> drawn.add(history.lastEpoch()));
        long start = System.nanoTime();
        ScriptedRun.learner(2, 1, (epoch, training, batch) -> 1f).addCallbacks(callback).fit(5);
        assertTrue(System.nanoTime() - start < Duration.ofMinutes(1).toNanos());
        assertTrue(drawn.size() <= 2, drawn.toString());
        assertEquals(5, drawn.get(drawn.size() - 1), drawn.toString());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
