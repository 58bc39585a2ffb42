package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay, like {@code torch.optim.AdamW}: each step first shrinks the parameters,
 * θ ← θ·(1 − lr·λ), instead of adding λθ to the gradient, so the decay is not rescaled by the adaptive
 * denominator. Weight decay defaults to 1e-2, as in PyTorch; the rest is {@link Adam}'s.
 */
public final class AdamW extends Adam {
    private AdamW(Builder<AdamW> b) {
        super(b, true);
    }

    public static Builder<AdamW> builder(List<Tensor> params) {
        return new Builder<>(GroupSpecs.withDefaults(params, defaults(1e-2f)), AdamW::new);
    }

    /** A builder without parameters yet: give every group with {@link Builder#group}. */
    public static Builder<AdamW> builder() {
        return new Builder<>(GroupSpecs.withDefaults(null, defaults(1e-2f)), AdamW::new);
    }
}
