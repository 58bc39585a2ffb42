package dev.minibatch.plot;

import dev.minibatch.io.AtomicFiles;
import dev.minibatch.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A PNG of grayscale images in a grid, each with a caption under it (a label, or "label / prediction"),
 * like the lesson's {@code show_image}. Pixels are scaled from the tensor's smallest value (black) to its
 * largest (white), so normalized and raw images both show as they should. A cell is as wide as its widest
 * caption, and marked images (wrong predictions) are framed and captioned in red.
 */
public final class ImageGrid {
    /** Images are enlarged by a whole factor to about this many pixels, so 28x28 digits stay sharp. */
    private static final int TARGET_SIDE = 84;
    private static final int CAPTION_HEIGHT = 18;
    private static final int GAP = 6;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color MARK = new Color(0xD0, 0x20, 0x20);

    private ImageGrid() {
    }

    /**
     * @param images   {@code [n, height, width]}, or {@code [n, pixels]} with a square number of pixels
     * @param captions one per image
     * @param columns  images per row
     */
    public static void write(Tensor images, List<String> captions, int columns, Path png) throws IOException {
        write(images, captions, new boolean[images.size(0)], columns, png);
    }

    /** As {@link #write(Tensor, List, int, Path)}, with the images where {@code marked} is true in red. */
    public static void write(Tensor images, List<String> captions, boolean[] marked, int columns, Path png)
            throws IOException {
        BufferedImage grid = render(images, captions, marked, columns);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(grid, "png", out)) {
                throw new IOException("no PNG writer is available");
            }
        });
    }

    static BufferedImage render(Tensor images, List<String> captions, int columns) {
        return render(images, captions, new boolean[images.size(0)], columns);
    }

    static BufferedImage render(Tensor images, List<String> captions, boolean[] marked, int columns) {
        int[] hw = imageSize(images);
        int n = images.size(0);
        if (captions.size() != n || marked.length != n) {
            throw new IllegalArgumentException("image grid: " + captions.size() + " captions and " + marked.length
                    + " marks for " + n + " images");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("image grid: columns must be positive, got " + columns);
        }
        int scale = Math.max(1, TARGET_SIDE / Math.max(hw[0], hw[1]));
        int cellW = Math.max(Math.max(hw[1] * scale, 40), widest(captions) + 4) + GAP;
        int cellH = hw[0] * scale + CAPTION_HEIGHT + GAP;
        int cols = Math.min(columns, Math.max(n, 1));
        int rows = (n + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(cols * cellW + GAP, Math.max(rows, 1) * cellH + GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(FONT);
            float[] px = images.toFloatArray();
            float[] range = range(px);
            for (int i = 0; i < n; i++) {
                int x = GAP + (i % cols) * cellW;
                int y = GAP + (i / cols) * cellH;
                int x0 = x + (cellW - GAP - hw[1] * scale) / 2;
                drawImage(grid, px, i * hw[0] * hw[1], hw, scale, range, x0, y);
                g.setColor(marked[i] ? MARK : Color.BLACK);
                if (marked[i]) {
                    g.drawRect(x0 - 2, y - 2, hw[1] * scale + 3, hw[0] * scale + 3);
                }
                drawCaption(g, captions.get(i), x, y + hw[0] * scale, cellW - GAP);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    private static int[] imageSize(Tensor images) {
        int[] s = images.shape();
        if (s.length == 3) {
            return new int[] {s[1], s[2]};
        }
        if (s.length == 2) {
            int side = (int) Math.round(Math.sqrt(s[1]));
            if (side * side == s[1]) {
                return new int[] {side, side};
            }
        }
        throw new IllegalArgumentException("image grid: expected images of shape [n, height, width] or"
                + " [n, pixels] with a square number of pixels, got " + Arrays.toString(s));
    }

    private static float[] range(float[] px) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : px) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new float[] {lo, hi > lo ? hi : lo + 1};
    }

    private static void drawImage(BufferedImage grid, float[] px, int from, int[] hw, int scale, float[] range,
            int x0, int y0) {
        for (int r = 0; r < hw[0]; r++) {
            for (int c = 0; c < hw[1]; c++) {
                int level = Math.round(255 * (px[from + r * hw[1] + c] - range[0]) / (range[1] - range[0]));
                int level8 = Math.max(0, Math.min(255, level));
                int rgb = level8 << 16 | level8 << 8 | level8;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        grid.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, rgb);
                    }
                }
            }
        }
    }

    /** The width of the widest caption in {@link #FONT}. */
    private static int widest(List<String> captions) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            FontMetrics fm = g.getFontMetrics(FONT);
            return captions.stream().mapToInt(fm::stringWidth).max().orElse(0);
        } finally {
            g.dispose();
        }
    }

    private static void drawCaption(Graphics2D g, String caption, int x, int y, int width) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(caption, x + Math.max(0, (width - fm.stringWidth(caption)) / 2), y + fm.getAscent() + 2);
    }
}
