package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/**
 * The mean of each window, like {@code nn.AvgPool2d} with {@code count_include_pad=True}: the padding counts
 * as zeros in every window's kH·kW divisor. By default the stride is the kernel size.
 */
public class AvgPool2d extends Module {
    public final int kernelSize;
    public final int stride;
    public final int padding;

    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public AvgPool2d(int kernelSize, int stride, int padding) {
        Pool2dSettings.check("AvgPool2d", kernelSize, stride, padding);
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        try {
            return Tensor.avgPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {padding});
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding;
    }
}
