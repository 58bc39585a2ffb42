package dev.minibatch.datasets;

import java.io.IOException;

/**
 * A dataset's files are neither on disk nor downloadable (offline, or every mirror failed). The message
 * says which files are missing, where they were looked for and how to provide them; a failed download
 * is its cause, with each mirror's failure attached to it as a suppressed exception.
 */
public final class DatasetNotFoundException extends IOException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
