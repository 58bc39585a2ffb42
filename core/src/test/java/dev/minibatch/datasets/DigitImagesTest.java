package dev.minibatch.datasets;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigitImagesTest {

    /** A "1": a thick vertical bar, drawn off-centre in a large image. */
    private static BufferedImage bar(int w, int h, Color background, Color ink) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        g.setColor(ink);
        g.setStroke(new BasicStroke(w / 12f));
        g.drawLine(w / 5, h / 6, w / 5, h * 5 / 6);
        g.dispose();
        return img;
    }

    @Test
    void darkInkOnWhiteIsInvertedScaledAndCentred(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("one.png");
        ImageIO.write(bar(300, 240, Color.WHITE, Color.BLACK), "png", png.toFile());
        Tensor x = DigitImages.load(png);
        assertArrayEquals(new int[] {1, 784}, x.shape());
        float[] v = x.toFloatArray();
        assertEquals(0f, v[0], 1e-6, "background becomes black, as in MNIST");
        double mass = 0;
        double cx = 0;
        double cy = 0;
        int top = 28;
        int bottom = -1;
        for (int i = 0; i < 784; i++) {
            assertTrue(v[i] >= 0 && v[i] <= 1, "value " + v[i] + " at " + i);
            mass += v[i];
            cx += v[i] * (i % 28);
            cy += v[i] * (i / 28);
            if (v[i] > 0.5f) {
                top = Math.min(top, i / 28);
                bottom = Math.max(bottom, i / 28);
            }
        }
        assertEquals(14, cx / mass, 1.0, "centred by mass horizontally");
        assertEquals(14, cy / mass, 1.0, "centred by mass vertically");
        assertEquals(20, bottom - top + 1, 1, "the digit's height is scaled to 20 pixels");
    }

    /** A 28x28 black image with a white stroke from row {@code top} to row {@code bottom}, columns 12 to 15. */
    private static BufferedImage stroke28(int top, int bottom) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(12, top, 4, bottom - top + 1);
        g.dispose();
        return img;
    }

    /** An MNIST digit saved as a PNG: its ink fits 20x20 already, and it is read back exactly. */
    @Test
    void anMnistSizedDigitThatFitsTheBoxIsTakenAsItIs(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("m.png");
        BufferedImage img = stroke28(4, 23);
        ImageIO.write(img, "png", png.toFile());
        float[] v = DigitImages.load(png).toFloatArray();
        for (int i = 0; i < 784; i++) {
            assertEquals((img.getRGB(i % 28, i / 28) & 255) / 255f, v[i], 1e-6);
        }
    }

    /** A 28x28 drawing whose digit fills the frame is scaled into 20x20 and centred, as a larger image is. */
    @Test
    void anMnistSizedDigitThatFillsItsFrameIsScaledAndCentred(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("full.png");
        ImageIO.write(stroke28(0, 27), "png", png.toFile());
        float[] v = DigitImages.load(png).toFloatArray();
        int top = 28;
        int bottom = -1;
        for (int i = 0; i < 784; i++) {
            if (v[i] > 0.5f) {
                top = Math.min(top, i / 28);
                bottom = Math.max(bottom, i / 28);
            }
        }
        assertEquals(20, bottom - top + 1, 1, "the stroke's height is scaled to 20 pixels");
        assertEquals(13.5, (top + bottom) / 2.0, 1.0, "and centred");
    }

    @Test
    void unreadableFilesAreNamed(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("notes.png");
        Files.writeString(bad, "not an image");
        var e = assertThrows(IOException.class, () -> DigitImages.load(bad));
        assertTrue(e.getMessage().contains("notes.png") && e.getMessage().contains("PNG or JPEG"), e.getMessage());
        var e2 = assertThrows(IOException.class, () -> DigitImages.load(dir.resolve("missing.png")));
        assertTrue(e2.getMessage().contains("missing.png"), e2.getMessage());
    }
}
