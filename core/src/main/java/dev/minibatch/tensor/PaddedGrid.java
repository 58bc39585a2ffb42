package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * A stride-1 convolution's output laid on its zero-padded input's grid, for {@link Kernels#correlate}: position
 * (y, x) at {@code q = y·Wp + x}, Wp the padded image's row stride ({@link Im2col#rowStride}), so that a
 * tap's inputs for all positions are one contiguous run of the padded image. A plane [oh, ow] occupies the
 * first ow columns of each row; the columns past ow are computed and dropped (or, for a gradient laid on the
 * grid, zero).
 */
final class PaddedGrid {
    /**
     * Runs of positions are a multiple of 16 floats, any vector's lanes, so that the vector kernels never take
     * a masked or scalar tail (in the weight gradient's tiles, a scalar tail of 8 positions in 248 halved the
     * rate). A kernel then reads up to 15 floats past a padded image, which the arrays that hold one provide.
     */
    static final int ALIGN = 16;

    private PaddedGrid() {
    }

    /** How many positions a plane of a stride-1 window's output spans on the grid, rounded up to {@link #ALIGN}. */
    static int span(Window2d win) {
        int used = (win.oh() - 1) * Im2col.rowStride(win) + win.ow();
        return (used + ALIGN - 1) / ALIGN * ALIGN;
    }

    /**
     * Lays {@code channels} planes [oh, ow] of {@code g[from..]} on the grid at {@code grid[at..]}, planes
     * {@code span} apart, with zeros between the rows and past the last.
     */
    static void put(float[] g, int from, int channels, Window2d win, int span, float[] grid, int at) {
        int wp = Im2col.rowStride(win);
        int ow = win.ow();
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < win.oh(); y++) {
                int dst = at + ch * span + y * wp;
                System.arraycopy(g, from + (ch * win.oh() + y) * ow, grid, dst, ow);
                Arrays.fill(grid, dst + ow, y < win.oh() - 1 ? dst + wp : at + (ch + 1) * span, 0f);
            }
        }
    }

    /**
     * Lays {@code channels} planes [oh, ow] of {@code g[from..]} on the grid transposed, [span, channels] at
     * {@code gT[0..]}: position q's channels side by side, zeros at the positions that are not outputs.
     */
    static void putTransposed(float[] g, int from, int channels, Window2d win, int span, float[] gT) {
        int wp = Im2col.rowStride(win);
        int ow = win.ow();
        int plane = win.planeOut();
        Arrays.fill(gT, 0, span * channels, 0f);
        for (int y = 0; y < win.oh(); y++) {
            for (int x = 0; x < ow; x++) {
                int dst = (y * wp + x) * channels;
                int src = from + y * ow + x;
                for (int ch = 0; ch < channels; ch++) {
                    gT[dst + ch] = g[src + ch * plane];
                }
            }
        }
    }

    /**
     * Writes (or adds) {@code channels} planes [rows, cols] at {@code to[at..]} from a grid of width
     * {@code wp}, its planes {@code span} apart.
     */
    static void take(float[] grid, int channels, int span, int wp, int rows, int cols, float[] to, int at,
                     boolean accumulate) {
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < rows; y++) {
                int src = ch * span + y * wp;
                int dst = at + (ch * rows + y) * cols;
                if (accumulate) {
                    for (int x = 0; x < cols; x++) {
                        to[dst + x] += grid[src + x];
                    }
                } else {
                    System.arraycopy(grid, src, to, dst, cols);
                }
            }
        }
    }
}
