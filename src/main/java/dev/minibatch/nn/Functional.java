package dev.minibatch.nn;

import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Fused;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/**
 * The lesson's functions, like {@code torch.nn.functional}: softmax, log-softmax, logsumexp, the
 * negative log likelihood and cross entropy. All of them subtract the row's maximum before {@code exp}
 * (the log-sum-exp trick): {@code exp(90)} already overflows float32, so logits of ±1000 would give
 * inf and NaN otherwise.
 */
public final class Functional {
    private Functional() {
    }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        Rows r = Rows.of("softmax", x, dim);
        float[] v = x.storage();
        float[] y = new float[v.length];
        r.forEach((base, stride) -> {
            float m = r.shift(v, base, stride);
            double s = 0;
            for (int k = 0; k < r.n; k++) {
                float e = (float) Math.exp(v[base + k * stride] - m);
                y[base + k * stride] = e;
                s += e;
            }
            float inv = (float) (1 / s);
            for (int k = 0; k < r.n; k++) {
                y[base + k * stride] *= inv;
            }
        });
        return Autograd.record(Tensor.wrap(y, x.shape()), g -> {
            // d softmax: y * (g - sum(g * y)) along the row.
            float[] gx = new float[g.length];
            r.forEach((base, stride) -> {
                double dot = 0;
                for (int k = 0; k < r.n; k++) {
                    dot += g[base + k * stride] * y[base + k * stride];
                }
                for (int k = 0; k < r.n; k++) {
                    int i = base + k * stride;
                    gx[i] = y[i] * (g[i] - (float) dot);
                }
            });
            x.accumulateGrad(gx);
        }, x);
    }

    /** {@code x - logsumexp(x)} along {@code dim}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        Rows r = Rows.of("logSoftmax", x, dim);
        float[] v = x.storage();
        float[] y = new float[v.length];
        r.forEach((base, stride) -> {
            // (x - m) - log(sum) rather than x - (m + log(sum)): near 1000, float32 steps are 6e-5 apart.
            float m = r.shift(v, base, stride);
            float logSum = r.logSumShifted(v, base, stride, m);
            for (int k = 0; k < r.n; k++) {
                y[base + k * stride] = (v[base + k * stride] - m) - logSum;
            }
        });
        return Autograd.record(Tensor.wrap(y, x.shape()), g -> {
            // d log_softmax: g - softmax * sum(g) along the row.
            float[] gx = new float[g.length];
            r.forEach((base, stride) -> {
                double s = 0;
                for (int k = 0; k < r.n; k++) {
                    s += g[base + k * stride];
                }
                for (int k = 0; k < r.n; k++) {
                    int i = base + k * stride;
                    gx[i] = g[i] - (float) Math.exp(y[i]) * (float) s;
                }
            });
            x.accumulateGrad(gx);
        }, x);
    }

    public static Tensor logsumexp(Tensor x, int dim, boolean keepdim) {
        return x.logsumexp(dim, keepdim);
    }

    /**
     * The mean over the batch of {@code -logp[i, target[i]]}: the lesson's {@code -input[range(n), target].mean()}.
     * {@code logp} is [n, classes], {@code target} int32 [n].
     */
    public static Tensor nllLoss(Tensor logp, Tensor target) {
        int[] t = checkTarget("nllLoss", logp, target);
        int n = t.length;
        int c = logp.size(1);
        float[] v = logp.storage();
        double s = 0;
        for (int i = 0; i < n; i++) {
            s -= v[i * c + t[i]];
        }
        return Autograd.record(Tensor.scalar((float) (s / n)), g -> {
            float[] gx = new float[v.length];
            float each = -g[0] / n;
            for (int i = 0; i < n; i++) {
                gx[i * c + t[i]] = each;
            }
            logp.accumulateGrad(gx);
        }, logp);
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

    /** Checks that {@code input} is [n, classes] and {@code target} holds n ints in [0, classes). */
    private static int[] checkTarget(String op, Tensor input, Tensor target) {
        if (input.dim() != 2) {
            throw new IllegalArgumentException(op + ": expected input of shape [batch, classes], got "
                    + Arrays.toString(input.shape()));
        }
        if (target.isFloat()) {
            throw new IllegalArgumentException(op + ": target must be an int32 tensor of class indices, got float32");
        }
        if (target.dim() != 1 || target.size(0) != input.size(0)) {
            throw new IllegalArgumentException(op + ": target of shape " + Arrays.toString(target.shape())
                    + " does not match input of shape " + Arrays.toString(input.shape())
                    + " (expected [" + input.size(0) + "])");
        }
        int[] t = target.intStorage();
        int c = input.size(1);
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= c) {
                throw new IllegalArgumentException(op + ": target " + t[i] + " at position " + i
                        + " is out of bounds for " + c + " classes (expected 0.." + (c - 1) + ")");
            }
        }
        return t;
    }
}
