package dev.minibatch.train;

import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/** Metrics computed from a model's output. */
public final class Metrics {
    private Metrics() {
    }

    /** The fraction of rows whose largest logit is at the target class: {@code (argmax(1) == y).mean()}. */
    public static float accuracy(Tensor logits, Tensor target) {
        check("accuracy", logits, target);
        return logits.argmax(1).eq(target).mean().item();
    }

    /**
     * The fraction of rows whose target class is among the {@code k} largest logits, in the order argmax
     * uses (ties broken towards the lower index, NaN first), so that k = 1 is {@link #accuracy}.
     */
    public static float topKAccuracy(Tensor logits, Tensor target, int k) {
        return (float) correct(logits, target, k) / logits.size(0);
    }

    /** The number of rows whose target is among the {@code k} largest logits: fewer than k are larger. */
    static long correct(Tensor logits, Tensor target, int k) {
        check("top-" + k + " accuracy", logits, target);
        int n = logits.size(0);
        int c = logits.size(1);
        float[] v = logits.storage();
        int[] t = target.toIntArray();
        long correct = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] < 0 || t[i] >= c) {
                throw new IllegalArgumentException("accuracy: target " + t[i] + " at row " + i
                        + " is not a class in [0, " + c + ")");
            }
            int ahead = 0;
            for (int j = 0; j < c && ahead < k; j++) {
                if (j != t[i] && ranksAhead(v[i * c + j], j, v[i * c + t[i]], t[i])) {
                    ahead++;
                }
            }
            correct += ahead < k ? 1 : 0;
        }
        return correct;
    }

    /**
     * Whether logit {@code a} (column {@code i}) comes before logit {@code b} (column {@code j}) in argmax's
     * order: NaN first (as in PyTorch, a NaN is never hidden), then larger values, then the lower column.
     */
    private static boolean ranksAhead(float a, int i, float b, int j) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && (!Float.isNaN(b) || i < j);
        }
        return a > b || (a == b && i < j);
    }

    private static void check(String name, Tensor logits, Tensor target) {
        if (logits.dim() != 2 || target.dim() != 1 || target.size(0) != logits.size(0)) {
            throw new IllegalArgumentException(name + ": logits of shape " + Arrays.toString(logits.shape())
                    + " and target of shape " + Arrays.toString(target.shape())
                    + " do not fit (expected [n, classes] and [n])");
        }
        if (target.isFloat()) {
            throw new IllegalArgumentException(name + ": target must hold int32 class indices, got float32");
        }
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
