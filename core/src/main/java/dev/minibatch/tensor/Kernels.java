package dev.minibatch.tensor;

/**
 * The numeric kernels on flat row-major float arrays. Every op that does real arithmetic goes through
 * here, so that a faster implementation replaces {@link PlainKernels} without touching anything else.
 * {@link VectorKernels} (the Vector API) is used where the {@code jdk.incubator.vector} module is present.
 * Both give the same results to rounding; the matrix product and the elementwise kernels give bit-identical ones.
 */
interface Kernels {

    /** The implementation in use, chosen once at start-up. */
    static Kernels get() {
        return KernelsHolder.INSTANCE;
    }

    String name();

    /**
     * {@code C = op(A)·op(B)} (or {@code C += ...} when accumulating), C being [m, n] at {@code cOff}.
     * A is [m, k], or [k, m] read transposed when {@code transA}; B is [k, n], or [n, k] read transposed
     * when {@code transB}. Transposes are never materialised. Large products are split over
     * {@link Parallel}'s threads; the result does not depend on how many there are.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /**
     * {@code C = A·B} (or {@code C += ...} when accumulating) for an unrolled image read in place: A is
     * [m, k], m = {@code rows.length} and k = {@code cols.length}, its element (i, q) at
     * {@code a[aOff + rows[i] + cols[q]]} (for a convolution, a kernel tap's offset plus a window position's,
     * in a padded image); B is [k, n] at {@code bOff}, its rows {@code ldb} apart; C is [m, n] at
     * {@code cOff}. Runs on the calling thread.
     */
    void gemmUnrolled(float[] a, int aOff, int[] rows, int[] cols, float[] b, int bOff, int ldb, int n,
                      float[] c, int cOff, boolean accumulate);

    /**
     * A stride-1 convolution (a correlation) with the output on the input's grid:
     * {@code out[o, q] = sum_t w[t, o]·in[taps[t] + q]} for o < n and q < span, out at {@code outOff} with
     * rows {@code ldo} apart, in read at {@code inOff}, w at {@code wOff} with rows {@code ldw} apart. For an
     * image zero-padded to width Wp, taps[t] is a tap's offset (channel, dy·Wp + dx) and q = y·Wp + x, so
     * each tap's input is one contiguous run. Runs on the calling thread; each output is summed over t in order.
     */
    void correlate(float[] in, int inOff, int[] taps, float[] w, int wOff, int ldw, int n, int span,
                   float[] out, int outOff, int ldo);

    /**
     * The weight gradient of {@link #correlate}, over a run of images: {@code dw[o, t] (+)= sum_i sum_q
     * g[i, o, q]·in[i, taps[t] + q]} for o < n, t < taps.length, q < span, i < images; image i's g at
     * {@code gOff + i·gImage} with rows {@code ldg} apart, its input at {@code inOff + i·inImage}, dw at
     * {@code dwOff} with rows {@code ldw} apart. Runs on the calling thread, in an order fixed by the sizes.
     */
    void correlateWeights(float[] g, int gOff, int ldg, int gImage, int n, float[] in, int inOff, int inImage,
                          int[] taps, int span, int images, float[] dw, int dwOff, int ldw, boolean accumulate);

    /**
     * The weight gradient of {@link #correlate} with the output channels across the lanes, its taps in kernel
     * rows of {@code width} taps one column apart: {@code dw[r·width + j, o] (+)= sum_q in[rows[r] + j + q]·g[q, o]}
     * for r < rows.length, j < width, o < n and q < span; in at {@code inOff}, g (the output gradient on the
     * grid, transposed) at {@code gOff} with rows {@code ldg} apart, dw at {@code dwOff} with rows {@code ldw}
     * apart. Each sum is one chain of fused multiply-adds over q in order, from zero, then added to dw, so both
     * kernel sets give the same bits. Runs on the calling thread.
     */
    void correlateWeightsRows(float[] in, int inOff, int[] rows, int width, float[] g, int gOff, int ldg, int n,
                              int span, float[] dw, int dwOff, int ldw, boolean accumulate);

    /**
     * Max pooling over 2x2 windows, for j < count: the window of {@code x[at]}, {@code x[at + 1]},
     * {@code x[at + w]} and {@code x[at + w + 1]}, at = xFrom + corners[j], gives {@code out[outFrom + j]},
     * its first maximum in that order (a NaN over any number, as in PyTorch), and {@code argmax[outFrom + j]},
     * that maximum's index in x.
     */
    void maxPool2x2(float[] x, int xFrom, int w, int[] corners, int count, float[] out, int[] argmax, int outFrom);

    /**
     * {@link #maxPool2x2}'s backward through a ReLU before it, for j < count: each of window j's four elements
     * {@code g[gFrom + corners[j] + d]}, d in 0, 1, w, w + 1, is set to {@code 0 + gOut[from + j]} if it is the
     * window's maximum ({@code argmax[from + j] == corners[j] + d}) and that maximum is above zero, else to zero.
     * So the windows write every element they cover, and no zeroing is needed before.
     */
    void maxPool2x2Backward(float[] gOut, float[] values, int[] argmax, int from, int[] corners, int count, int w,
                            float[] g, int gFrom);

    /**
     * {@link #maxPool2x2} over {@code pairs} pairs of rows w wide (w even), one pair after the other from
     * {@code x[xFrom]}: pair r's w / 2 windows, corners {@code 2w·r + 2i}, give {@code out} and {@code argmax}
     * from {@code outFrom + r·w/2}, as {@link #maxPool2x2} with those corners gives them: the even-sized
     * planes of a convolution's output, whose windows are read in place of gathers.
     */
    void maxPool2x2Rows(float[] x, int xFrom, int w, int pairs, float[] out, int[] argmax, int outFrom);

    /**
     * {@link #maxPool2x2Backward} for {@link #maxPool2x2Rows}' windows: each of the {@code pairs} pairs of rows
     * w wide from {@code g[gFrom]} written whole, the pooled gradient at each window's maximum
     * ({@code argmax[from + j]}, relative to gFrom) if that maximum is above zero, zero elsewhere.
     */
    void maxPool2x2RowsBackward(float[] gOut, float[] values, int[] argmax, int from, int pairs, int w, float[] g,
                                int gFrom);

    /** {@code out[r, c] = a[r, c] + row[c]}: the bias add of a linear layer. {@code out} may be {@code a}. */
    void addRowVector(float[] a, float[] row, float[] out, int rows, int cols);

    /** {@code out[r, c] = relu(a[r, c] + row[c])}: a linear layer's bias add and its ReLU in one pass. */
    void addRowVectorRelu(float[] a, float[] row, float[] out, int rows, int cols);

    /** {@code out[c] (+)= sum_r a[r, c]}, summed in order of r: the bias gradient. */
    void sumRows(float[] a, float[] out, int rows, int cols, boolean accumulate);

    /**
     * Winograd F(4, 5)'s transforms down the columns ({@link WinogradRows}, {@link Winograd}'s matrices), for
     * columns i < n: rows {@code src[srcOff + rows[k] + i]} into rows {@code dst[dstOff + r·dstStride + i]}. The
     * input's eight rows to eight points ({@code BT}); both kernel sets give the same bits.
     */
    void winogradInput(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n);

    /** {@link #winogradInput}'s layout: eight points' products to four output rows ({@code AT}). */
    void winogradOutput(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n);

    /** {@link #winogradInput}'s layout: four output-gradient rows to eight points ({@code AT}ᵀ). */
    void winogradOutputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n);

    /**
     * {@link #winogradInput}'s layout: eight points to a tile's input-gradient rows ({@code BT}ᵀ), its first four
     * written, or ({@code last}) its last four added to dst.
     */
    void winogradInputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n,
                           boolean last);

    /** {@code y += alpha * x}. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    void add(float[] a, float[] b, float[] out, int n);

    void mul(float[] a, float[] b, float[] out, int n);

    /** {@code max(a, 0)}; NaN stays NaN, as in PyTorch. */
    void relu(float[] a, float[] out, int n);

    /** {@code out = y > 0 ? g : 0} for the n values from {@code from}, with y the ReLU's output. */
    void reluBackward(float[] y, float[] g, float[] out, int from, int n);

    /**
     * Adds the sum of each of {@code planes} runs of {@code plane} values from {@code a[from]} to
     * {@code sums[at + i]}: a convolution's bias gradient, per image and channel. Each run is summed in an order
     * fixed by its length.
     */
    void sumPlanes(float[] a, int from, int planes, int plane, double[] sums, int at);

    /** Whether none of the first n values is NaN or infinite. */
    boolean allFinite(float[] a, int n);

    /**
     * Softmax cross entropy of each row of {@code x} [n, c] against its class {@code target[i]}:
     * {@code loss[i] = log(sum(exp(x_i - m_i))) - (x_i[t_i] - m_i)}, m_i the row's max (the log-sum-exp
     * trick); and, unless {@code grad} is null, {@code grad_i = (softmax(x_i) - onehot(t_i)) * scale}
     * from the same exponentials. One implementation serves both kernel sets: its n·c exponentials cost
     * little beside the matrix product that made the logits, and rows of ten classes fill no vector.
     */
    default void softmaxCrossEntropy(float[] x, int[] target, int n, int c, float[] loss, float[] grad,
                                     float scale) {
        for (int i = 0; i < n; i++) {
            int o = i * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, x[o + j]);
            }
            // An infinite max is not subtracted: inf - inf would be NaN.
            float shift = Float.isInfinite(max) ? 0f : max;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(x[o + j] - shift);
                sum += e;
                if (grad != null) {
                    grad[o + j] = (float) e;
                }
            }
            // (x - m) - log(sum) rather than x - (m + log(sum)): near 1000, float32 steps are 6e-5 apart.
            float logSum = (float) Math.log(sum);
            loss[i] = logSum - (x[o + target[i]] - shift);
            if (grad != null) {
                float f = (float) (scale / sum);
                for (int j = 0; j < c; j++) {
                    grad[o + j] *= f;
                }
                grad[o + target[i]] -= scale;
            }
        }
    }
}
