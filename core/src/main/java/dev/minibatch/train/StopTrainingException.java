package dev.minibatch.train;

/**
 * Thrown by a {@link Callback} to end training early; the message says why, and {@code fit} returns the
 * history with that message as its stop reason instead of propagating the exception.
 */
public class StopTrainingException extends RuntimeException {
    public StopTrainingException(String reason) {
        super(reason);
    }
}
