package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/**
 * Gradient clipping, like {@code torch.nn.utils.clip_grad_norm_}: called between {@code backward()} and the
 * optimizer's step, it rescales all the gradients together so that their total norm is at most a maximum.
 */
public final class ClipGrad {
    private ClipGrad() {
    }

    /** {@link #clipGradNorm(Iterable, float, float, boolean)} with the 2-norm, non-finite norms allowed. */
    public static float clipGradNorm(Iterable<Tensor> params, float maxNorm) {
        return clipGradNorm(params, maxNorm, 2, false);
    }

    /** {@link #clipGradNorm(Iterable, float, float, boolean)} with non-finite norms allowed, PyTorch's default. */
    public static float clipGradNorm(Iterable<Tensor> params, float maxNorm, float normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Computes the norm of all gradients as one vector (parameters without a gradient are skipped), and if it
     * exceeds {@code maxNorm}, multiplies every gradient in place by maxNorm / (norm + 1e-6), as PyTorch does.
     *
     * @param normType p of the p-norm, or {@code Float.POSITIVE_INFINITY} for the largest absolute value
     * @param errorIfNonfinite throw if the norm is NaN or infinite, instead of scaling by it (PyTorch then turns
     *                         the gradients into NaN or zeros)
     * @return the total norm before clipping
     */
    public static float clipGradNorm(Iterable<Tensor> params, float maxNorm, float normType,
                                     boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 or infinite, got " + normType);
        }
        float total = totalNorm(params, normType);
        if (errorIfNonfinite && !Float.isFinite(total)) {
            throw new IllegalStateException("clipGradNorm: the total norm of order " + normType + " of the "
                    + "gradients is " + total + ", so they cannot be clipped; pass errorIfNonfinite = false to scale "
                    + "them by it anyway");
        }
        // float32, as PyTorch computes it on the norm tensor; NaN scales too, as PyTorch's clamp keeps it.
        float coef = maxNorm / (total + 1e-6f);
        if (!(coef >= 1)) {
            for (Tensor p : params) {
                if (p.grad() != null) {
                    scale(p.grad().storage(), coef);
                }
            }
        }
        return total;
    }

    /** The p-norm of every gradient's elements together, accumulated in double (NaN stays NaN); 0 without any. */
    private static float totalNorm(Iterable<Tensor> params, float normType) {
        boolean max = normType == Float.POSITIVE_INFINITY;
        double acc = 0;
        for (Tensor p : params) {
            if (p.grad() == null) {
                continue;
            }
            for (float g : p.grad().storage()) {
                double a = Math.abs((double) g);
                acc = max ? Math.max(acc, a) : acc + Math.pow(a, normType);
            }
        }
        return (float) (max ? acc : Math.pow(acc, 1.0 / normType));
    }

    private static void scale(float[] g, float coef) {
        for (int j = 0; j < g.length; j++) {
            g[j] *= coef;
        }
    }
}
