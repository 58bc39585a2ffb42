package dev.minibatch.tensor;

/**
 * Ops that PyTorch composes from several but that run here as one kernel and one graph node, for the
 * layers and losses that dominate a training step. Each gives the same values and gradients as its
 * composition, to rounding.
 */
public final class Fused {
    private Fused() {
    }

    /** {@code relu(x·wᵀ + b)}: a {@code Linear} followed by a {@code ReLU}; {@code bias} may be null. */
    public static Tensor linearRelu(Tensor x, Tensor weight, Tensor bias) {
        return Linalg.linear(x, weight, bias, true);
    }

    /**
     * {@code relu(conv2d(x, weight, bias, ...))}: a {@code Conv2d} followed by a {@code ReLU}, with
     * {@link Tensor#conv2d}'s arguments; the ReLU is applied to each image's output while it is in cache.
     */
    public static Tensor conv2dRelu(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                    int[] dilation, int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups, true);
    }

    /**
     * {@code maxPool2d(relu(conv2d(x, weight, bias, ...)), 2)}: a {@code Conv2d}, a {@code ReLU} and a
     * {@code MaxPool2d(2)}, with {@link Tensor#conv2d}'s arguments. Each image's convolution is pooled while it
     * is in cache, and neither the convolution's output nor its gradient is stored whole. The same values and
     * gradients as the three ops; null where the convolution's output is smaller than 2x2 (the pooling would
     * refuse it).
     */
    public static Tensor conv2dReluMaxPool2x2(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                             int[] dilation, int groups) {
        return Convolution.conv2dReluPool2x2(x, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * The mean over the batch of the cross entropy of {@code logits} [n, classes] against the int32 class
     * indices {@code target} [n]: {@code nllLoss(logSoftmax(logits, 1), target)}. The forward pass also
     * computes the gradient, {@code (softmax(logits) - onehot(target)) / n}, from the same exponentials;
     * backward only scales it.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        int[] t = Losses.checkTarget("crossEntropy", logits, target);
        int n = t.length;
        int c = logits.size(1);
        float[] x = logits.requireFloat("crossEntropy");
        float[] loss = new float[n];
        float[] grad = Autograd.needsGrad(logits) ? new float[x.length] : null;
        Kernels.get().softmaxCrossEntropy(x, t, n, c, loss, grad, 1f / n);
        double sum = 0;
        for (float l : loss) {
            sum += l;
        }
        return Autograd.record(Tensor.scalar((float) (sum / n)), g -> {
            if (g[0] == 1f) {
                logits.accumulateGrad(grad);
            } else {
                float[] scaled = new float[grad.length];
                Kernels.get().axpy(grad.length, g[0], grad, 0, scaled, 0);
                logits.accumulateGrad(scaled);
            }
        }, logits);
    }
}
