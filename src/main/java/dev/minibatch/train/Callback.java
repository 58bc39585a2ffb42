package dev.minibatch.train;

/**
 * Hooks into {@code fit}: progress display, logs, plots, checkpoints, early stopping. Every method does
 * nothing by default. Epochs and batches count from 1. A callback ends training early by throwing
 * {@link StopTrainingException}; {@code fit} then returns the history so far with its message.
 */
public interface Callback {
    /**
     * Before the first epoch of this run.
     *
     * @param previous  the epochs completed before this run (empty unless resuming from a checkpoint)
     * @param lastEpoch the epoch the run will end with, if not stopped
     */
    default void onFitStart(History previous, int lastEpoch) {
    }

    /** Before the first batch of {@code epoch}, which has {@code batches} training batches. */
    default void onEpochStart(int epoch, int batches) {
    }

    /** After the optimizer step of training batch {@code batch}, whose loss was {@code loss}. */
    default void onBatchEnd(int epoch, int batch, float loss) {
    }

    /** After the epoch's validation pass. */
    default void onEpochEnd(EpochResult result) {
    }

    /** After the last epoch, or after a stop: {@code history} holds every epoch, from the first ever. */
    default void onFitEnd(History history) {
    }
}
