package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * The unrolled image behind {@link Convolution}, one image at a time: the windows of an image [C, H, W] as
 * the columns of a matrix col [C·kH·kW, P] (P = outH·outW window positions), so that a convolution is a
 * matrix product. {@link #pad} and {@link Offsets} give col without copying it, read in place from the
 * zero-padded image; {@link #col2im} folds a gradient of col back onto the image, for strides other than 1.
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * The row stride of a padded image: the input's width plus its padding on one side, the columns of padding
     * shared between neighbouring rows (a row's right padding is the next row's left), or the output's width
     * if that is wider. A window reads at most {@code pw} columns past a row's last input column, and those
     * wrap onto the next row's first {@code pw}, which are zeros; a stride-1 output laid on this grid
     * ({@link PaddedGrid}) then computes {@code stride - ow} dropped positions a row where a row of
     * {@code W + 2pw} columns computed {@code 2pw}: 2 of 16 instead of 4 of 18 for a 5x5 kernel over 14x14.
     */
    static int rowStride(Window2d win) {
        return Math.max(win.w() + win.pw(), win.ow());
    }

    /**
     * Copies the image at {@code x[from..]}, [C, H, W], into {@code to[at..]} as [C, H + 2ph, rowStride] with
     * zeros around, so that every element of the unrolled matrix is a plain read, a tap's offset plus a window
     * position's ({@link Offsets}). The {@code pw} floats past the last plane are zeroed too: the last row's
     * windows read them as the right padding.
     */
    static void pad(float[] x, int from, int channels, Window2d win, float[] to, int at) {
        int wp = rowStride(win);
        int plane = (win.h() + 2 * win.ph()) * wp;
        Arrays.fill(to, at, at + channels * plane + win.pw(), 0f);
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < win.h(); y++) {
                System.arraycopy(x, from + (ch * win.h() + y) * win.w(), to, at + ch * plane + (y + win.ph()) * wp
                        + win.pw(), win.w());
            }
        }
    }

    /**
     * The unrolled matrix [C·kH·kW, P] of an image padded by {@link #pad} ([C, Hp, rowStride]), as offsets:
     * its element (t, q) is the padded image at {@code taps[t] + positions[q]}.
     */
    record Offsets(int paddedPlane, int rowStride, int[] taps, int[] positions) {
        static Offsets of(Window2d win, int channels) {
            int wp = Im2col.rowStride(win);
            int plane = (win.h() + 2 * win.ph()) * wp;
            int[] taps = new int[channels * win.kh() * win.kw()];
            int t = 0;
            for (int ch = 0; ch < channels; ch++) {
                for (int ky = 0; ky < win.kh(); ky++) {
                    for (int kx = 0; kx < win.kw(); kx++) {
                        taps[t++] = ch * plane + ky * win.dh() * wp + kx * win.dw();
                    }
                }
            }
            int[] positions = new int[win.planeOut()];
            for (int oy = 0; oy < win.oh(); oy++) {
                for (int ox = 0; ox < win.ow(); ox++) {
                    positions[oy * win.ow() + ox] = oy * win.sh() * wp + ox * win.sw();
                }
            }
            return new Offsets(plane, wp, taps, positions);
        }

        /** Where each kernel row (channel, ky) of {@code width} taps starts: every width-th tap. */
        int[] rowStarts(int width) {
            int[] starts = new int[taps.length / width];
            for (int r = 0; r < starts.length; r++) {
                starts[r] = taps[r * width];
            }
            return starts;
        }

        /**
         * The floats a padded image of {@code channels} planes needs: past the planes, a row for the last
         * row's right padding and a vector's lanes for the grid's span, rounded up ({@link PaddedGrid#ALIGN}).
         */
        int size(int channels) {
            return channels * paddedPlane + rowStride + PaddedGrid.ALIGN;
        }
    }

    /** The adjoint of unrolling: adds each entry of {@code col} to the image element it was read from. */
    static void col2im(float[] col, int channels, Window2d win, float[] dx, int from) {
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            int plane = from + ch * win.planeIn();
            for (int ky = 0; ky < win.kh(); ky++) {
                for (int kx = 0; kx < win.kw(); kx++) {
                    scatterTap(col, row, win, ky, kx, dx, plane);
                    row += win.planeOut();
                }
            }
        }
    }

    private static void scatterTap(float[] col, int from, Window2d win, int ky, int kx, float[] dx, int plane) {
        int dy = ky * win.dh();
        int dxOff = kx * win.dw();
        int x0 = Window2d.firstInside(win.sw(), win.pw(), dxOff);
        int x1 = Window2d.endInside(win.w(), win.ow(), win.sw(), win.pw(), dxOff);
        for (int oy = 0; oy < win.oh(); oy++) {
            int iy = oy * win.sh() - win.ph() + dy;
            if (iy < 0 || iy >= win.h()) {
                continue;
            }
            int src = from + oy * win.ow();
            int dst = plane + iy * win.w() - win.pw() + dxOff;
            if (win.sw() == 1) {
                for (int ox = x0; ox < x1; ox++) {
                    dx[dst + ox] += col[src + ox];
                }
            } else {
                for (int ox = x0; ox < x1; ox++) {
                    dx[dst + ox * win.sw()] += col[src + ox];
                }
            }
        }
    }
}
