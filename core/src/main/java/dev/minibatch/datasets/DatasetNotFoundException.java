package dev.minibatch.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset's files are neither on disk nor downloadable (offline, or every mirror failed). The message
 * says which files are missing, where they were looked for and how to provide them; a failed download
 * is its cause, with each mirror's failure attached to it as a suppressed exception.
 */
public final class DatasetNotFoundException extends IOException {
    private final String dataset;
    private final List<String> missing;
    private final Path target;

    /**
     * @param dataset its name, e.g. {@code MNIST}
     * @param missing the names of the files that are missing
     * @param target  the folder they belong in
     */
    public DatasetNotFoundException(String message, String dataset, List<String> missing, Path target) {
        super(message);
        this.dataset = dataset;
        this.missing = List.copyOf(missing);
        this.target = target;
    }

    public String dataset() {
        return dataset;
    }

    public List<String> missing() {
        return missing;
    }

    public Path target() {
        return target;
    }
}
