package dev.minibatch.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {
    @TempDir
    Path dir;

    private static History history(int epochs) {
        List<EpochResult> rs = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            rs.add(new EpochResult(e, 1.0 / e, 1.2 / e, 1 - 0.5 / e, 1));
        }
        return History.of(rs);
    }

    private static BufferedImage png(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
        return ImageIO.read(file.toFile());
    }

    /** How many pixels are clearly coloured (not gray), i.e. belong to a series or a heat-map cell. */
    private static int colouredPixels(BufferedImage image) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void lossAndAccuracyCurvesArePngsWithTheirSeriesDrawn() throws IOException {
        Plots.lossCurves(history(5), dir.resolve("loss.png"));
        Plots.accuracyCurve(history(5), dir.resolve("accuracy.png"));
        BufferedImage loss = png(dir.resolve("loss.png"));
        BufferedImage accuracy = png(dir.resolve("accuracy.png"));
        assertEquals(800, loss.getWidth());
        assertEquals(500, loss.getHeight());
        assertTrue(colouredPixels(loss) > colouredPixels(accuracy), "two curves draw more than one");
        assertTrue(colouredPixels(accuracy) > 500, "the accuracy curve is drawn");
    }

    @Test
    void nonFiniteValuesAreLeftOutOfTheCurves() throws IOException {
        History h = History.of(List.of(new EpochResult(1, 1, 1, 0.5, 1), new EpochResult(2, 0.5, Double.NaN, 0.6, 1)));
        Plots.lossCurves(h, dir.resolve("loss.png"));
        assertTrue(colouredPixels(png(dir.resolve("loss.png"))) > 0);
    }

    @Test
    void confusionMatrixIsAHeatMapOfTheCounts() throws IOException {
        int[][] counts = {{50, 1, 0}, {2, 40, 3}, {0, 5, 45}};
        Plots.confusionMatrix(counts, List.of("cat", "dog", "bird"), dir.resolve("cm.png"));
        BufferedImage cm = png(dir.resolve("cm.png"));
        assertTrue(cm.getWidth() >= 400 && cm.getHeight() >= 400);
        assertTrue(colouredPixels(cm) > 3 * 50 * 50, "the three diagonal cells are filled");
        assertThrows(IllegalArgumentException.class,
                () -> Plots.confusionMatrix(counts, List.of("a", "b"), dir.resolve("bad.png")));
    }

    @Test
    void plotCallbackRedrawsBothCurvesEachEpochIncludingEarlierOnes() throws IOException {
        PlotCallback plots = new PlotCallback(dir);
        plots.onFitStart(history(2), 3);
        plots.onEpochEnd(new EpochResult(3, 0.3, 0.4, 0.8, 1));
        assertEquals(800, png(plots.lossPlot()).getWidth());
        assertEquals(800, png(plots.accuracyPlot()).getWidth());
    }
}
