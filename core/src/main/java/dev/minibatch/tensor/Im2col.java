package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * The unrolling behind {@link Convolution}, one image at a time: {@link #im2col} lays the windows of an image
 * [C, H, W] out as the columns of a matrix [C·kH·kW, P] (P = outH·outW window positions), so that a
 * convolution is a matrix product; {@link #col2im} is its adjoint, for the input's gradient. {@link #pad} and
 * {@link Offsets} give the same matrix without copying it, read in place from the zero-padded image.
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * Row {@code (c·kh + ky)·kw + kx} of {@code col} holds, for every window position, the value of the image
     * at {@code x[from..]} under kernel tap {@code (ky, kx)} of channel c, or 0 in the padding.
     */
    static void im2col(float[] x, int from, int channels, Window2d win, float[] col) {
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            int plane = from + ch * win.planeIn();
            for (int ky = 0; ky < win.kh(); ky++) {
                for (int kx = 0; kx < win.kw(); kx++) {
                    gatherTap(x, plane, win, ky, kx, col, row);
                    row += win.planeOut();
                }
            }
        }
    }

    /**
     * Copies the image at {@code x[from..]}, [C, H, W], into {@code to} as [C, H + 2ph, W + 2pw] with zeros
     * around, so that every element of the unrolled matrix is a plain read, a tap's offset plus a window
     * position's ({@link Offsets}).
     */
    static void pad(float[] x, int from, int channels, Window2d win, float[] to) {
        int wp = win.w() + 2 * win.pw();
        int plane = (win.h() + 2 * win.ph()) * wp;
        Arrays.fill(to, 0, channels * plane, 0f);
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < win.h(); y++) {
                System.arraycopy(x, from + (ch * win.h() + y) * win.w(), to, ch * plane + (y + win.ph()) * wp
                        + win.pw(), win.w());
            }
        }
    }

    /**
     * The unrolled matrix [C·kH·kW, P] of an image padded by {@link #pad} ([C, Hp, Wp]), as offsets: its
     * element (t, q) is the padded image at {@code taps[t] + positions[q]}.
     */
    record Offsets(int paddedPlane, int[] taps, int[] positions) {
        static Offsets of(Window2d win, int channels) {
            int wp = win.w() + 2 * win.pw();
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
            return new Offsets(plane, taps, positions);
        }
    }

    /** The adjoint of {@link #im2col}: adds each entry of {@code col} to the image element it was read from. */
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

    /** One tap's values over all window positions of one plane, into {@code col} from {@code to}. */
    private static void gatherTap(float[] x, int plane, Window2d win, int ky, int kx, float[] col, int to) {
        int dy = ky * win.dh();
        int dx = kx * win.dw();
        int x0 = Window2d.firstInside(win.sw(), win.pw(), dx);
        int x1 = Math.max(x0, Window2d.endInside(win.w(), win.ow(), win.sw(), win.pw(), dx));
        for (int oy = 0; oy < win.oh(); oy++) {
            int iy = oy * win.sh() - win.ph() + dy;
            int dst = to + oy * win.ow();
            if (iy < 0 || iy >= win.h()) {
                Arrays.fill(col, dst, dst + win.ow(), 0f);
                continue;
            }
            Arrays.fill(col, dst, dst + x0, 0f);
            int src = plane + iy * win.w() - win.pw() + dx;
            if (win.sw() == 1) {
                System.arraycopy(x, src + x0, col, dst + x0, x1 - x0);
            } else {
                for (int ox = x0; ox < x1; ox++) {
                    col[dst + ox] = x[src + ox * win.sw()];
                }
            }
            Arrays.fill(col, dst + x1, dst + win.ow(), 0f);
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
