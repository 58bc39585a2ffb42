package dev.minibatch.tensor;

/**
 * Opens one of the package-private kernel sets to the JMH benchmarks in {@code dev.minibatch.bench}.
 * Test code only: the library's public surface stays the tensor API.
 */
public final class KernelHandle {
    private final Kernels kernels;

    private KernelHandle(Kernels kernels) {
        this.kernels = kernels;
    }

    /** {@code "plain"} or {@code "vector"}. */
    public static KernelHandle of(String name) {
        return new KernelHandle(KernelsHolder.select(name));
    }

    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        kernels.gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);
    }

    public void add(float[] a, float[] b, float[] out) {
        kernels.add(a, b, out, out.length);
    }

    public void relu(float[] a, float[] out) {
        kernels.relu(a, out, out.length);
    }

    public void reluBackward(float[] y, float[] g, float[] out) {
        kernels.reluBackward(y, g, out, 0, out.length);
    }

    public void axpy(float alpha, float[] x, float[] y) {
        kernels.axpy(y.length, alpha, x, 0, y, 0);
    }

    public void addRowVectorRelu(float[] a, float[] row, float[] out, int rows, int cols) {
        kernels.addRowVectorRelu(a, row, out, rows, cols);
    }

    public void sumRows(float[] a, float[] out, int rows, int cols) {
        kernels.sumRows(a, out, rows, cols, false);
    }

    public void softmaxCrossEntropy(float[] x, int[] target, int n, int c, float[] loss, float[] grad) {
        kernels.softmaxCrossEntropy(x, target, n, c, loss, grad, 1f / n);
    }
}
