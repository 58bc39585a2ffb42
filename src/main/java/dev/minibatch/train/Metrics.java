package dev.minibatch.train;

import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/** Metrics computed from a model's output. */
public final class Metrics {
    private Metrics() {
    }

    /** The fraction of rows whose largest logit is at the target class: {@code (argmax(1) == y).mean()}. */
    public static float accuracy(Tensor logits, Tensor target) {
        if (logits.dim() != 2 || target.dim() != 1 || target.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("accuracy: logits of shape " + Arrays.toString(logits.shape())
                    + " and target of shape " + Arrays.toString(target.shape())
                    + " do not fit (expected [n, classes] and [n])");
        }
        return logits.argmax(1).eq(target).mean().item();
    }
}
