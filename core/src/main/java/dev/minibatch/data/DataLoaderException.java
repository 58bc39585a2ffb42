package dev.minibatch.data;

/**
 * A batch could not be prepared on a {@link DataLoader}'s worker thread. It is thrown from the loop's
 * {@code next()} when that batch's turn comes, with the worker's exception as its cause.
 */
public final class DataLoaderException extends RuntimeException {
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
