package dev.minibatch.datasets;

import dev.minibatch.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a photo or drawing of a digit (PNG or JPEG) into an MNIST-like input: grey, white ink on black,
 * the digit scaled into a 20x20 box and centred by its centre of mass in 28x28 — the way MNIST itself was
 * made, so that a model trained on MNIST sees what it was trained on.
 */
public final class DigitImages {
    private static final int SIZE = 28;
    private static final int BOX = 20;
    /** Pixels at least this bright (after inversion) count as ink when finding the digit's bounding box. */
    private static final float INK = 0.2f;

    private DigitImages() {
    }

    /** The image as a float32 tensor [1, 784] with values in [0, 1]. */
    public static Tensor load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such image file");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not an image this program can read (PNG or JPEG expected)");
        }
        return Tensor.wrap(toMnist(img), 1, SIZE * SIZE);
    }

    /** 784 values in [0, 1], row-major. */
    static float[] toMnist(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] grey = grey(img);
        if (borderMean(grey, w, h) > 0.5f) {
            for (int i = 0; i < grey.length; i++) {
                grey[i] = 1f - grey[i];
            }
        }
        int[] box = inkBox(grey, w, h);
        if (box == null) {
            return new float[SIZE * SIZE];
        }
        // A 28x28 image whose digit already fits the 20x20 box (every MNIST digit does) is one of MNIST's;
        // one whose digit fills its frame still needs scaling and centring.
        if (w == SIZE && h == SIZE && box[2] - box[0] <= BOX && box[3] - box[1] <= BOX) {
            return grey;
        }
        return centre(grey, w, box);
    }

    /** Luminance (ITU-R 601), with transparent pixels composited over white. */
    private static float[] grey(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] g = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                float a = (argb >>> 24) / 255f;
                float lum = (0.299f * ((argb >> 16) & 255) + 0.587f * ((argb >> 8) & 255) + 0.114f * (argb & 255)) / 255f;
                g[y * w + x] = a * lum + (1 - a);
            }
        }
        return g;
    }

    private static float borderMean(float[] g, int w, int h) {
        double s = 0;
        int n = 0;
        for (int x = 0; x < w; x++) {
            s += g[x] + g[(h - 1) * w + x];
            n += 2;
        }
        for (int y = 0; y < h; y++) {
            s += g[y * w] + g[y * w + w - 1];
            n += 2;
        }
        return (float) (s / n);
    }

    /** {x0, y0, x1, y1} (exclusive ends) of the pixels that are ink, or null for a blank image. */
    private static int[] inkBox(float[] g, int w, int h) {
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (g[y * w + x] >= INK) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new int[] {x0, y0, x1 + 1, y1 + 1};
    }

    /** Scales the ink box to fit 20x20 (keeping its aspect) and places it by centre of mass in 28x28. */
    private static float[] centre(float[] g, int w, int[] box) {
        int bw = box[2] - box[0];
        int bh = box[3] - box[1];
        double scale = (double) BOX / Math.max(bw, bh);
        int sw = Math.max(1, (int) Math.round(bw * scale));
        int sh = Math.max(1, (int) Math.round(bh * scale));
        BufferedImage crop = new BufferedImage(bw, bh, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                int v = Math.round(Math.min(1f, Math.max(0f, g[(box[1] + y) * w + box[0] + x])) * 255);
                crop.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        BufferedImage small = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = small.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        gr.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        gr.drawImage(crop.getScaledInstance(sw, sh, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        gr.dispose();
        float[] s = new float[sw * sh];
        double mass = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                float v = (small.getRGB(x, y) & 255) / 255f;
                s[y * sw + x] = v;
                mass += v;
                cx += v * x;
                cy += v * y;
            }
        }
        int ox = (int) Math.round(SIZE / 2.0 - (mass > 0 ? cx / mass : sw / 2.0));
        int oy = (int) Math.round(SIZE / 2.0 - (mass > 0 ? cy / mass : sh / 2.0));
        ox = Math.max(0, Math.min(SIZE - sw, ox));
        oy = Math.max(0, Math.min(SIZE - sh, oy));
        float[] out = new float[SIZE * SIZE];
        for (int y = 0; y < sh; y++) {
            System.arraycopy(s, y * sw, out, (oy + y) * SIZE + ox, sw);
        }
        return out;
    }
}
