package dev.minibatch.datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file is not what it should be: truncated, a wrong magic number, counts that disagree, a
 * label out of range, a corrupt gzip stream or pickle. The message names the file, the problem and the
 * byte offset where it was found; in a gzip file the offset counts bytes of the decompressed content.
 * Every reader in this package either loads its input whole or throws this (or an {@link IOException}
 * of the file system): never a partly filled dataset.
 */
public final class DatasetFormatException extends IOException {
    private final transient Path file;
    private final long offset;

    public DatasetFormatException(Path file, long offset, String problem) {
        super(file + ": " + problem + " (at byte offset " + offset + ")");
        this.file = file;
        this.offset = offset;
    }

    public DatasetFormatException(Path file, long offset, String problem, Throwable cause) {
        this(file, offset, problem);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    /** Where the problem was found, in bytes from the start of the (decompressed) content. */
    public long offset() {
        return offset;
    }
}
