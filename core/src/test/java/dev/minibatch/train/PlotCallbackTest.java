package dev.minibatch.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
