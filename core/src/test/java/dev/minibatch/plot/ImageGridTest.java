package dev.minibatch.plot;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageGridTest {
    @TempDir
    Path dir;

    /** Three 2x2 images: image i has its top-left pixel at value i + 1 and the rest at -1 (the minimum). */
    private static Tensor images() {
        float[] px = new float[3 * 4];
        Arrays.fill(px, -1f);
        for (int i = 0; i < 3; i++) {
            px[i * 4] = i + 1;
        }
        return Tensor.wrap(px, 3, 4);
    }

    private static int gray(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        assertEquals(rgb & 0xff, rgb >> 16 & 0xff, "gray");
        return rgb & 0xff;
    }

    @Test
    void pixelsAreScaledFromTheSmallestToTheLargestValue() throws IOException {
        Path png = dir.resolve("grid.png");
        ImageGrid.write(images(), List.of("1", "2", "3"), 2, png);
        BufferedImage grid = ImageIO.read(png.toFile());

        // A 2x2 image is enlarged 42 times; cells are at least 40 wide, so a 84-wide image fills its cell.
        int scale = 42;
        int gap = 6;
        int cellW = 2 * scale + gap;
        int cellH = 2 * scale + 18 + gap;
        assertEquals(2 * cellW + gap, grid.getWidth());
        assertEquals(2 * cellH + gap, grid.getHeight());
        int[] topLeft = {Math.round(255 * 0.5f), Math.round(255 * 0.75f), 255};
        for (int i = 0; i < 3; i++) {
            int x0 = gap + (i % 2) * cellW;
            int y0 = gap + (i / 2) * cellH;
            assertEquals(topLeft[i], gray(grid, x0 + scale / 2, y0 + scale / 2), "image " + i);
            assertEquals(0, gray(grid, x0 + scale + scale / 2, y0 + scale / 2), "image " + i + " black pixel");
            assertTrue(hasDarkPixel(grid, x0, y0 + 2 * scale, cellW - gap, 18), "caption of image " + i);
        }
        assertEquals(255, gray(grid, gap + cellW + scale, gap + cellH + scale), "no fourth image: white");
    }

    private static boolean hasDarkPixel(BufferedImage image, int x, int y, int w, int h) {
        for (int yy = y; yy < y + h; yy++) {
            for (int xx = x; xx < x + w; xx++) {
                if ((image.getRGB(xx, yy) & 0xff) < 128) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void imagesMayBeThreeDimensional() {
        BufferedImage grid = ImageGrid.render(Tensor.zeros(4, 28, 28), List.of("a", "b", "c", "d"), 4);
        assertEquals(6 + 4 * (84 + 6), grid.getWidth());
    }

    /** Fashion-MNIST's "label / prediction" captions are wider than a 84-pixel image: cells widen to fit. */
    @Test
    void cellsAreAsWideAsTheirCaptions() {
        String caption = "T-shirt/top / Pullover";
        BufferedImage grid = ImageGrid.render(Tensor.zeros(3, 28, 28), List.of(caption, "Bag / Bag", "Coat / Shirt"), 3);
        Graphics2D g = grid.createGraphics();
        int width = g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12)).stringWidth(caption);
        g.dispose();
        assertTrue(grid.getWidth() >= 6 + 3 * (width + 6), "grid width " + grid.getWidth() + " for captions "
                + width + " pixels wide");
    }

    /** Wrong predictions are marked: a red frame and caption in their cell, none elsewhere. */
    @Test
    void markedImagesAreRed() {
        BufferedImage grid = ImageGrid.render(Tensor.zeros(2, 28, 28), List.of("7 / 7", "7 / 3"),
                new boolean[] {false, true}, 2);
        int half = grid.getWidth() / 2;
        assertFalse(hasRed(grid, 0, half), "the right prediction is not marked");
        assertTrue(hasRed(grid, half, grid.getWidth()), "the wrong one is");
    }

    private static boolean hasRed(BufferedImage img, int fromX, int toX) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                int rgb = img.getRGB(x, y);
                if ((rgb >> 16 & 0xff) > 150 && (rgb >> 8 & 0xff) < 100) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void badShapesAndCaptionCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(Tensor.zeros(2, 5), List.of("a", "b"), 2));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(Tensor.zeros(2, 4), List.of("a"), 2));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(Tensor.zeros(2, 4), List.of("a", "b"), 0));
    }
}
