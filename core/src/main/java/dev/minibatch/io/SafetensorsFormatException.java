package dev.minibatch.io;

import java.io.IOException;

/**
 * A checkpoint or safetensors file that does not follow the format: the header length, the JSON
 * header, a dtype, a shape or a byte range is wrong. It is the only exception a reader throws for a
 * malformed file, whatever its bytes; the message names the file, the problem and the byte offset
 * in the file where the problem was found.
 */
public class SafetensorsFormatException extends IOException {
    private final String source;
    private final long offset;

    /**
     * @param source the file (or other source) being read
     * @param offset the byte offset in the file where the problem was found, or -1 when it has no one place
     * @param problem what is wrong, with the values involved
     */
    public SafetensorsFormatException(String source, long offset, String problem) {
        super(source + ": " + problem + (offset >= 0 ? " (at byte " + offset + ")" : ""));
        this.source = source;
        this.offset = offset;
    }

    public String source() {
        return source;
    }

    /** The byte offset in the file where the problem was found, or -1 when it has no one place. */
    public long offset() {
        return offset;
    }
}
