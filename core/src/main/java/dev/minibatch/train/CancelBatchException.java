package dev.minibatch.train;

/**
 * Thrown by a {@link Callback} to skip the rest of the current batch, like fastai's
 * {@code CancelBatchException}: no backward, step or loss accounting follows (whatever the phase it is
 * thrown in), the gradients are dropped, and {@code afterBatch} still runs.
 */
public class CancelBatchException extends RuntimeException {
    public CancelBatchException(String reason) {
        super(reason, null, false, false);
    }
}
