package dev.minibatch.tensor;

/**
 * The numeric kernels on flat row-major float arrays. Every op that does real arithmetic goes through
 * here, so that a faster implementation replaces {@link PlainKernels} without touching anything else.
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
     * when {@code transB}. Transposes are never materialised.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate);

    /** {@code out[r, c] = a[r, c] + row[c]}: the bias add of a linear layer. */
    void addRowVector(float[] a, float[] row, float[] out, int rows, int cols);

    /** {@code out[c] (+)= sum_r a[r, c]}: the bias gradient. */
    void sumRows(float[] a, float[] out, int rows, int cols, boolean accumulate);

    /** {@code y += alpha * x}. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    void add(float[] a, float[] b, float[] out, int n);

    void mul(float[] a, float[] b, float[] out, int n);

    void relu(float[] a, float[] out, int n);

    /** {@code out = y > 0 ? g : 0}, with y the ReLU's output. */
    void reluBackward(float[] y, float[] g, float[] out, int n);
}
