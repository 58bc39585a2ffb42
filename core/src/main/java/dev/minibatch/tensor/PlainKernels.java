package dev.minibatch.tensor;

import java.util.Arrays;

/**
 * Plain-Java kernels: the reference implementation, and the fallback where the Vector API is absent.
 * C2 vectorises a loop only when all its arrays are indexed with the same offset; where a row of a
 * matrix meets a vector (the bias add, the bias gradient) the row is first copied to a zero-offset
 * scratch row with {@link System#arraycopy}, which is itself vectorised.
 */
final class PlainKernels implements Kernels {
    /** A float's exponent bits, and one added to the exponent: see {@link #nonFiniteBits}. */
    static final int EXPONENT = 0x7f80_0000;
    static final int EXPONENT_ONE = 0x0080_0000;

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        PlainGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    @Override
    public void gemmUnrolled(float[] a, int aOff, int[] rows, int[] cols, float[] b, int bOff, int ldb, int n,
                             float[] c, int cOff, boolean accumulate) {
        float[] acc = new float[n];
        for (int i = 0; i < rows.length; i++) {
            int ci = cOff + i * n;
            if (accumulate) {
                System.arraycopy(c, ci, acc, 0, n);
            } else {
                Arrays.fill(acc, 0f);
            }
            int r = aOff + rows[i];
            for (int q = 0; q < cols.length; q++) {
                float x = a[r + cols[q]];
                int bq = bOff + q * ldb;
                for (int j = 0; j < n; j++) {
                    acc[j] += x * b[bq + j];
                }
            }
            System.arraycopy(acc, 0, c, ci, n);
        }
    }

    @Override
    public void correlate(float[] in, int inOff, int[] taps, float[] w, int wOff, int ldw, int n, int span,
                          float[] out, int outOff, int ldo) {
        for (int o = 0; o < n; o++) {
            int row = outOff + o * ldo;
            Arrays.fill(out, row, row + span, 0f);
            for (int t = 0; t < taps.length; t++) {
                float wt = w[wOff + t * ldw + o];
                int at = inOff + taps[t];
                for (int q = 0; q < span; q++) {
                    out[row + q] += wt * in[at + q];
                }
            }
        }
    }

    @Override
    public void correlateWeights(float[] g, int gOff, int ldg, int gImage, int n, float[] in, int inOff, int inImage,
                                 int[] taps, int span, int images, float[] dw, int dwOff, int ldw, boolean accumulate) {
        for (int o = 0; o < n; o++) {
            for (int t = 0; t < taps.length; t++) {
                float sum = 0;
                for (int i = 0; i < images; i++) {
                    int go = gOff + i * gImage + o * ldg;
                    int at = inOff + i * inImage + taps[t];
                    for (int q = 0; q < span; q++) {
                        sum += g[go + q] * in[at + q];
                    }
                }
                int d = dwOff + o * ldw + t;
                dw[d] = accumulate ? dw[d] + sum : sum;
            }
        }
    }

    @Override
    public void correlateWeightsRows(float[] in, int inOff, int[] rows, int width, float[] g, int gOff, int ldg,
                                     int n, int span, float[] dw, int dwOff, int ldw, boolean accumulate) {
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < width; j++) {
                int at = inOff + rows[r] + j;
                int d = dwOff + (r * width + j) * ldw;
                for (int o = 0; o < n; o++) {
                    float sum = 0;
                    for (int q = 0, gi = gOff + o; q < span; q++, gi += ldg) {
                        sum = Math.fma(in[at + q], g[gi], sum);
                    }
                    dw[d + o] = accumulate ? dw[d + o] + sum : sum;
                }
            }
        }
    }

    @Override
    public void maxPool2x2(float[] x, int xFrom, int w, int[] corners, int count, float[] out, int[] argmax,
                           int outFrom) {
        maxPool2x2(x, xFrom, w, corners, 0, count, out, argmax, outFrom);
    }

    /** {@link #maxPool2x2} for windows [from, count) only: the vector kernel's tail. */
    static void maxPool2x2(float[] x, int xFrom, int w, int[] corners, int from, int count, float[] out,
                           int[] argmax, int outFrom) {
        for (int j = from; j < count; j++) {
            pool(x, xFrom + corners[j], w, out, argmax, outFrom + j);
        }
    }

    @Override
    public void maxPool2x2Backward(float[] gOut, float[] values, int[] argmax, int from, int[] corners, int count,
                                   int w, float[] g, int gFrom) {
        maxPool2x2Backward(gOut, values, argmax, from, corners, 0, count, w, g, gFrom);
    }

    /** {@link #maxPool2x2Backward} for windows [first, count) only: the vector kernel's tail. */
    static void maxPool2x2Backward(float[] gOut, float[] values, int[] argmax, int from, int[] corners, int first,
                                   int count, int w, float[] g, int gFrom) {
        for (int j = first; j < count; j++) {
            unpool(gOut, values, argmax, from + j, corners[j], w, g, gFrom);
        }
    }

    @Override
    public void maxPool2x2Rows(float[] x, int xFrom, int w, int pairs, float[] out, int[] argmax, int outFrom) {
        maxPool2x2Rows(x, xFrom, w, 0, pairs, out, argmax, outFrom);
    }

    /** {@link #maxPool2x2Rows} for the pairs of rows [first, pairs) only: the vector kernel's tail. */
    static void maxPool2x2Rows(float[] x, int xFrom, int w, int first, int pairs, float[] out, int[] argmax,
                               int outFrom) {
        int half = w / 2;
        for (int r = first; r < pairs; r++) {
            for (int i = 0; i < half; i++) {
                pool(x, xFrom + 2 * w * r + 2 * i, w, out, argmax, outFrom + r * half + i);
            }
        }
    }

    @Override
    public void maxPool2x2RowsBackward(float[] gOut, float[] values, int[] argmax, int from, int pairs, int w,
                                       float[] g, int gFrom) {
        maxPool2x2RowsBackward(gOut, values, argmax, from, 0, pairs, w, g, gFrom);
    }

    /** {@link #maxPool2x2RowsBackward} for the pairs of rows [first, pairs) only: the vector kernel's tail. */
    static void maxPool2x2RowsBackward(float[] gOut, float[] values, int[] argmax, int from, int first, int pairs,
                                       int w, float[] g, int gFrom) {
        int half = w / 2;
        for (int r = first; r < pairs; r++) {
            for (int i = 0; i < half; i++) {
                unpool(gOut, values, argmax, from + r * half + i, 2 * w * r + 2 * i, w, g, gFrom);
            }
        }
    }

    /** The window at {@code x[at]}, rows w apart: its first maximum to {@code out[j]}, its index to argmax[j]. */
    private static void pool(float[] x, int at, int w, float[] out, int[] argmax, int j) {
        int best = first(x, first(x, at, at + 1), first(x, at + w, at + w + 1));
        argmax[j] = best;
        out[j] = x[best];
    }

    /**
     * Window j's four elements from {@code g[gFrom + c]} (its corner c, rows w apart): the pooled gradient where
     * its maximum is, if that maximum is above zero, zero elsewhere.
     */
    private static void unpool(float[] gOut, float[] values, int[] argmax, int j, int c, int w, float[] g,
                               int gFrom) {
        int at = argmax[j];
        float v = values[j] > 0f ? 0f + gOut[j] : 0f;
        g[gFrom + c] = at == c ? v : 0f;
        g[gFrom + c + 1] = at == c + 1 ? v : 0f;
        g[gFrom + c + w] = at == c + w ? v : 0f;
        g[gFrom + c + w + 1] = at == c + w + 1 ? v : 0f;
    }

    /** Of two elements, the one a window scanned from {@code a} would keep: b if larger, or NaN while a is not. */
    private static int first(float[] x, int a, int b) {
        float va = x[a];
        float vb = x[b];
        return vb > va || (vb != vb && va == va) ? b : a;
    }

    @Override
    public void addRowVector(float[] a, float[] row, float[] out, int rows, int cols) {
        float[] s = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * cols, s, 0, cols);
            for (int c = 0; c < cols; c++) {
                s[c] += row[c];
            }
            System.arraycopy(s, 0, out, r * cols, cols);
        }
    }

    @Override
    public void addRowVectorRelu(float[] a, float[] row, float[] out, int rows, int cols) {
        float[] s = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * cols, s, 0, cols);
            for (int c = 0; c < cols; c++) {
                s[c] = Math.max(s[c] + row[c], 0f);
            }
            System.arraycopy(s, 0, out, r * cols, cols);
        }
    }

    @Override
    public void sumRows(float[] a, float[] out, int rows, int cols, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(out, 0, cols, 0f);
        }
        float[] s = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * cols, s, 0, cols);
            for (int c = 0; c < cols; c++) {
                out[c] += s[c];
            }
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        if (xOff == yOff) {
            // One offset for both arrays: the loop C2 vectorises (the common case, whole tensors).
            for (int i = xOff; i < xOff + n; i++) {
                y[i] += alpha * x[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += alpha * x[xOff + i];
            }
        }
    }

    @Override
    public void add(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    @Override
    public void mul(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] * b[i];
        }
    }

    @Override
    public void relu(float[] a, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(a[i], 0f);
        }
    }

    @Override
    public boolean allFinite(float[] a, int n) {
        return nonFiniteBits(a, 0, n) >= 0;
    }

    /**
     * Negative exactly when one of {@code a[from..to-1]} is NaN or infinite. Adding one to an exponent of all
     * ones, and only to that one, carries into the sign bit; or-ing the sums is a reduction without branches.
     * The vector kernel runs the same test on whole vectors, and this loop on its tail.
     */
    static int nonFiniteBits(float[] a, int from, int to) {
        int any = 0;
        for (int i = from; i < to; i++) {
            any |= (Float.floatToRawIntBits(a[i]) & EXPONENT) + EXPONENT_ONE;
        }
        return any;
    }

    /**
     * Branch-free: C2 compiles {@code y > 0 ? g : 0} on floats to a branch, which ReLU's signs make
     * unpredictable (3 GB/s). {@code y > 0} exactly when y's bits are in [1, 0x7F800000] (positive, up to
     * +inf; not zero, negative or NaN), and that test is made into an all-ones or all-zeros mask.
     */
    /** In double, in four chains: one chain waits on each addition's latency. */
    @Override
    public void sumPlanes(float[] a, int from, int planes, int plane, double[] sums, int at) {
        for (int p = 0; p < planes; p++) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = from + p * plane;
            int end = i + plane;
            for (; i + 3 < end; i += 4) {
                s0 += a[i];
                s1 += a[i + 1];
                s2 += a[i + 2];
                s3 += a[i + 3];
            }
            for (; i < end; i++) {
                s0 += a[i];
            }
            sums[at + p] += (s0 + s1) + (s2 + s3);
        }
    }

    @Override
    public void winogradInput(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        WinogradRows.input(src, srcOff, rows, dst, dstOff, dstStride, 0, n);
    }

    @Override
    public void winogradOutput(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        WinogradRows.output(src, srcOff, rows, dst, dstOff, dstStride, 0, n);
    }

    @Override
    public void winogradOutputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride,
                                   int n) {
        WinogradRows.outputGrad(src, srcOff, rows, dst, dstOff, dstStride, 0, n);
    }

    @Override
    public void winogradInputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n,
                                  boolean last) {
        WinogradRows.inputGrad(src, srcOff, rows, dst, dstOff, dstStride, last, 0, n);
    }

    @Override
    public void reluBackward(float[] y, float[] g, float[] out, int from, int n) {
        for (int i = from, end = from + n; i < end; i++) {
            int above = Float.floatToRawIntBits(y[i]) - 1;
            int mask = ~above >> 31 & (above - 0x7F800000) >> 31;
            out[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & mask);
        }
    }
}
