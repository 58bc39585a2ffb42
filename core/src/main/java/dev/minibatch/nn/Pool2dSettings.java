package dev.minibatch.nn;

/** The checks PyTorch makes on a pooling layer's window: positive kernel and stride, padding at most half the kernel. */
final class Pool2dSettings {
    private Pool2dSettings() {
    }

    static void check(String layer, int kernelSize, int stride, int padding) {
        LayerSettings.atLeast(layer, "kernel_size", String.valueOf(kernelSize), kernelSize, 1);
        LayerSettings.atLeast(layer, "stride", String.valueOf(stride), stride, 1);
        LayerSettings.atLeast(layer, "padding", String.valueOf(padding), padding, 0);
        if (padding > kernelSize / 2) {
            throw new IllegalArgumentException(layer + ": padding should be at most half of kernel_size, got padding="
                    + padding + " and kernel_size=" + kernelSize);
        }
    }
}
