package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/**
 * The mean of each window, like {@code nn.AvgPool2d}: by default the padding counts as zeros in each window's
 * divisor ({@code count_include_pad=True}), the output size is rounded down ({@code ceil_mode=False}) and the
 * stride is the kernel size. PyTorch prints only the kernel size, the stride and the padding, and so does this.
 */
public class AvgPool2d extends Module {
    public final int kernelSize;
    public final int stride;
    public final int padding;
    public final boolean ceilMode;
    public final boolean countIncludePad;

    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(kernelSize, stride, padding, false, true);
    }

    /** See {@link Tensor#avgPool2d(Tensor, int[], int[], int[], boolean, boolean)}. */
    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        Pool2dSettings.check("AvgPool2d", kernelSize, stride, padding);
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        try {
            return Tensor.avgPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode,
                    countIncludePad);
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding;
    }
}
