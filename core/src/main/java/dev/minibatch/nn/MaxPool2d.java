package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/**
 * The largest value of each window, like {@code nn.MaxPool2d}: input [N, C, H, W] or [C, H, W]. The padding
 * counts as -inf and may be at most half the kernel; by default the stride is the kernel size.
 */
public class MaxPool2d extends Module {
    public final int kernelSize;
    public final int stride;
    public final int padding;
    public final int dilation;
    public final boolean ceilMode;

    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public MaxPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, 1, false);
    }

    /** {@code ceilMode} rounds the output size up, keeping a last window that starts inside the input. */
    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        Pool2dSettings.check("MaxPool2d", kernelSize, stride, padding);
        LayerSettings.atLeast("MaxPool2d", "dilation", String.valueOf(dilation), dilation, 1);
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    @Override
    public Tensor forward(Tensor x) {
        try {
            return Tensor.maxPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                    new int[] {dilation}, ceilMode);
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation
                + ", ceil_mode=" + Repr.bool(ceilMode);
    }
}
