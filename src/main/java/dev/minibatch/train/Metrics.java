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

    /**
     * Counts of {@code [true class][predicted class]}, the prediction being the largest logit of each row;
     * the diagonal holds the correct predictions.
     */
    public static int[][] confusionMatrix(Tensor logits, Tensor target, int classes) {
        if (logits.dim() != 2 || target.dim() != 1 || target.size(0) != logits.size(0) || logits.size(1) != classes) {
            throw new IllegalArgumentException("confusionMatrix: logits of shape " + Arrays.toString(logits.shape())
                    + " and target of shape " + Arrays.toString(target.shape()) + " do not fit (expected [n, "
                    + classes + "] and [n])");
        }
        int[] predicted = logits.argmax(1).toIntArray();
        int[] truth = target.toIntArray();
        int[][] counts = new int[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= classes) {
                throw new IllegalArgumentException("confusionMatrix: target " + truth[i] + " at row " + i
                        + " is not a class in [0, " + classes + ")");
            }
            counts[truth[i]][predicted[i]]++;
        }
        return counts;
    }
}
