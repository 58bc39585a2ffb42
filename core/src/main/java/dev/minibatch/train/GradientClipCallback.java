package dev.minibatch.train;

import dev.minibatch.nn.ClipGrad;

/**
 * Clips the gradients after backward, before the optimizer step, with
 * {@code torch.nn.utils.clip_grad_norm_}'s rule ({@link ClipGrad#clipGradNorm}): when the norm of all the
 * model's gradients together exceeds {@code maxNorm}, every gradient is scaled down by the same factor.
 * The last total norm (before clipping) is kept for whoever wants to log it.
 */
public final class GradientClipCallback implements Callback {
    private final float maxNorm;
    private float lastNorm = Float.NaN;

    public GradientClipCallback(float maxNorm) {
        if (!(maxNorm > 0) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("gradient clipping: maxNorm must be a positive number, got " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    @Override
    public void afterBackward(Learner learner) {
        lastNorm = ClipGrad.clipGradNorm(learner.model().parameters(), maxNorm);
    }

    /** The total gradient norm of the last batch, before clipping; NaN before the first. */
    public float lastNorm() {
        return lastNorm;
    }
}
