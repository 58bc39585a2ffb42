package dev.minibatch.nn;

import dev.minibatch.tensor.Fused;
import dev.minibatch.tensor.Losses;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

/**
 * The functions of {@code torch.nn.functional}, as one-line facades over the tensor ops: softmax,
 * log-softmax, logsumexp, the negative log likelihood and cross entropy (all computed stably, with the
 * log-sum-exp trick, so logits of ±1000 give no inf or NaN), linear, and the activations.
 */
public final class Functional {
    private Functional() {
    }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** {@code x - logsumexp(x)} along {@code dim}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    public static Tensor logsumexp(Tensor x, int dim, boolean keepdim) {
        return x.logsumexp(dim, keepdim);
    }

    /**
     * The mean over the batch of {@code -logp[i, target[i]]}: the lesson's {@code -input[range(n), target].mean()}.
     * {@code logp} is [n, classes], {@code target} int32 [n].
     */
    public static Tensor nllLoss(Tensor logp, Tensor target) {
        return Losses.nllLoss(logp, target);
    }

    /**
     * {@code nllLoss(logSoftmax(logits, 1), target)} fused into one op: its gradient is
     * {@code (softmax(logits) - onehot(target)) / n}, with no intermediate tensors.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return Fused.crossEntropy(logits, target);
    }

    /** {@code x·wᵀ + b} with the weight in PyTorch's [out, in] layout; {@code b} may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Tensor.linear(x, weight, bias);
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** PyTorch's default, exact GELU: {@code x·Φ(x)}. */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /** GELU with {@code approximate} {@code "none"} or {@code "tanh"}. */
    public static Tensor gelu(Tensor x, String approximate) {
        return x.gelu(approximate);
    }

    /** Leaky ReLU with PyTorch's default slope, 0.01. */
    public static Tensor leakyRelu(Tensor x) {
        return x.leakyRelu();
    }

    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return x.leakyRelu(negativeSlope);
    }

    public static Tensor silu(Tensor x) {
        return x.silu();
    }

    // ---- convolutional networks ------------------------------------------------------------------

    /** {@code F.conv2d(x, weight, bias, stride, padding)}: x [N, C, H, W], weight [O, C, kH, kW], bias [O] or null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return Tensor.conv2d(x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {1}, 1);
    }

    /** {@code F.max_pool2d(x, kernel)}: the stride is the kernel size, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0);
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return Tensor.maxPool2d(x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, new int[] {1}, false);
    }

    /** {@code F.avg_pool2d(x, kernel)}: the stride is the kernel size, no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, kernel, kernel, 0);
    }

    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return Tensor.avgPool2d(x, new int[] {kernel}, new int[] {stride}, new int[] {padding});
    }

    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return Tensor.adaptiveAvgPool2d(x, outH, outW);
    }

    /** {@code F.dropout(x, p, training)}, the mask drawn from the default generator. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return Tensor.dropout(x, p, training, Minibatch.defaultGenerator());
    }

    /** {@code F.pad(x, (left, right, top, bottom))} with zeros. */
    public static Tensor pad(Tensor x, int left, int right, int top, int bottom) {
        return Tensor.pad(x, left, right, top, bottom);
    }
}
