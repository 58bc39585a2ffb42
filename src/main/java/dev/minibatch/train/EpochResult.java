package dev.minibatch.train;

/**
 * What one epoch of {@code fit} measured. Epochs count from 1.
 *
 * @param trainLoss     the mean training loss over the epoch's samples (batch losses weighted by batch size)
 * @param validLoss     the mean validation loss over the validation samples
 * @param validAccuracy the fraction of validation samples classified correctly
 * @param seconds       wall-clock time of the epoch, training and validation
 */
public record EpochResult(int epoch, double trainLoss, double validLoss, double validAccuracy, double seconds) {
    public EpochResult {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
    }
}
