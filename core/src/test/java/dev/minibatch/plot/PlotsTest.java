package dev.minibatch.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {
    @TempDir
    Path dir;

    private static Plots.Series series(String name, double... y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        return new Plots.Series(name, x, y);
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
        Plots.lines("Loss", "epoch", "loss", List.of(series("train", 1, 0.5, 0.33, 0.25, 0.2),
                series("valid", 1.2, 0.6, 0.4, 0.3, 0.24)), false, dir.resolve("loss.png"));
        Plots.lines("Accuracy", "epoch", "accuracy", List.of(series("valid", 0.5, 0.75, 0.83, 0.87, 0.9)), false,
                dir.resolve("accuracy.png"));
        BufferedImage loss = png(dir.resolve("loss.png"));
        BufferedImage accuracy = png(dir.resolve("accuracy.png"));
        assertEquals(800, loss.getWidth());
        assertEquals(500, loss.getHeight());
        assertTrue(colouredPixels(loss) > colouredPixels(accuracy), "two curves draw more than one");
        assertTrue(colouredPixels(accuracy) > 500, "the accuracy curve is drawn");
    }

    @Test
    void nonFiniteValuesAreLeftOutOfTheCurves() throws IOException {
        Plots.lines("Loss", "epoch", "loss", List.of(series("train", 1, 0.5), series("valid", 1, Double.NaN)),
                false, dir.resolve("loss.png"));
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
    void aLogScaleLeavesOutPointsItCannotDraw() throws IOException {
        Plots.Series sweep = new Plots.Series("loss", new double[] {0, 1e-7, 1e-5, 1e-3, 1e-1},
                new double[] {3, 2.3, 2.2, 1.0, 4.0}, Plots.Style.LINE);
        Plots.Series pick = new Plots.Series("valley", new double[] {1e-3}, new double[] {1.0}, Plots.Style.MARKERS);
        Plots.lines("LR finder", "learning rate", "loss", List.of(sweep, pick), true, dir.resolve("lr.png"));
        assertTrue(colouredPixels(png(dir.resolve("lr.png"))) > 100, "the sweep is drawn");
        assertThrows(IllegalArgumentException.class, () -> new Plots.Series("bad", new double[2], new double[3]));
    }
}
