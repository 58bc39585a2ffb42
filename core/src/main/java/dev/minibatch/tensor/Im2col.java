package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * The unrolling behind {@link Convolution}, one image at a time: {@link #im2col} lays the windows of an image
 * [C, H, W] out as the columns of a matrix [C·kH·kW, P] (P = outH·outW window positions), so that a
 * convolution is a matrix product; {@link #col2im} is its adjoint, for the input's gradient. {@link #im2row}
 * lays out the transpose, [P, C·kH·kW], which the weight's gradient {@code g·colᵀ} reads in place.
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
     * The transpose of {@link #im2col}'s matrix: row p holds window p, channel by channel, each channel's
     * taps row by row, so that the kernel's rows are copied as runs.
     */
    static void im2row(float[] x, int from, int channels, Window2d win, float[] rows, int to) {
        int k = channels * win.kh() * win.kw();
        for (int ox = 0; ox < win.ow(); ox++) {
            int left = ox * win.sw() - win.pw();
            int kx0 = Window2d.firstInside(win.dw(), 0, left);
            int kx1 = Math.max(kx0, Window2d.endInside(win.w(), win.kw(), win.dw(), 0, left));
            for (int oy = 0; oy < win.oh(); oy++) {
                int top = oy * win.sh() - win.ph();
                int row = to + (oy * win.ow() + ox) * k;
                for (int ch = 0; ch < channels; ch++) {
                    int plane = from + ch * win.planeIn();
                    for (int ky = 0; ky < win.kh(); ky++, row += win.kw()) {
                        int iy = top + ky * win.dh();
                        if (iy < 0 || iy >= win.h()) {
                            Arrays.fill(rows, row, row + win.kw(), 0f);
                            continue;
                        }
                        copyRun(x, plane + iy * win.w() + left, win.dw(), rows, row, kx0, kx1, win.kw());
                    }
                }
            }
        }
    }

    /** {@code to[at + kx] = x[src + kx·step]} for {@code kx0 <= kx < kx1}, 0 for the other {@code kx < kw}. */
    private static void copyRun(float[] x, int src, int step, float[] to, int at, int kx0, int kx1, int kw) {
        for (int kx = 0; kx < kx0; kx++) {
            to[at + kx] = 0f;
        }
        if (step == 1) {
            for (int kx = kx0; kx < kx1; kx++) {
                to[at + kx] = x[src + kx];
            }
        } else {
            for (int kx = kx0; kx < kx1; kx++) {
                to[at + kx] = x[src + kx * step];
            }
        }
        for (int kx = kx1; kx < kw; kx++) {
            to[at + kx] = 0f;
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
