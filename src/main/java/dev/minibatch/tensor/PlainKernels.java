package dev.minibatch.tensor;

/** Plain-Java kernels: the reference implementation, and the fallback where the Vector API is absent. */
final class PlainKernels implements Kernels {

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        }
        if (!transB) {
            // i-p-j order: the inner loop walks rows of B and C contiguously.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * n;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    if (av == 0f) {
                        continue;
                    }
                    int bp = bOff + p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j];
                    }
                }
            }
        } else {
            // B is [n, k]: each C entry is a dot product of two contiguous rows.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * n;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * k;
                    float s = 0f;
                    if (transA) {
                        for (int p = 0; p < k; p++) {
                            s += a[aOff + p * m + i] * b[bj + p];
                        }
                    } else {
                        int ai = aOff + i * k;
                        for (int p = 0; p < k; p++) {
                            s += a[ai + p] * b[bj + p];
                        }
                    }
                    c[ci + j] += s;
                }
            }
        }
    }

    @Override
    public void addRowVector(float[] a, float[] row, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                out[o + c] = a[o + c] + row[c];
            }
        }
    }

    @Override
    public void sumRows(float[] a, float[] out, int rows, int cols, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(out, 0, cols, 0f);
        }
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                out[c] += a[o + c];
            }
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
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
            out[i] = a[i] < 0f ? 0f : a[i]; // NaN passes through, as in PyTorch
        }
    }

    @Override
    public void reluBackward(float[] y, float[] g, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = y[i] > 0f ? g[i] : 0f;
        }
    }
}
