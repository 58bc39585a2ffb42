package dev.minibatch.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch of {@code fit} measured. Epochs count from 1.
 *
 * @param trainLoss the mean training loss over the epoch's samples (batch losses weighted by batch size)
 * @param validLoss the mean validation loss over the validation samples
 * @param metrics   each validation metric by name ({@code accuracy}, {@code top5}, ...), in the learner's order
 * @param seconds   wall-clock time of the epoch, training and validation
 */
public record EpochResult(int epoch, double trainLoss, double validLoss, Map<String, Double> metrics, double seconds) {
    public EpochResult {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The metric called {@code name}; an epoch without it is an error that names the ones it has. */
    public double metric(String name) {
        Double value = metrics.get(name);
        if (value == null) {
            throw new IllegalArgumentException("epoch " + epoch + " has no metric '" + name + "' (it has "
                    + metrics.keySet() + ")");
        }
        return value;
    }

    /**
     * A named value of this epoch: {@code train_loss}, {@code valid_loss}, {@code seconds} or a metric's
     * name; what logs, plots and early stopping read.
     */
    public double value(String name) {
        return switch (name) {
            case "train_loss" -> trainLoss;
            case "valid_loss" -> validLoss;
            case "seconds" -> seconds;
            default -> metric(name);
        };
    }
}
