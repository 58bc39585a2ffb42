package dev.minibatch.datasets;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A data file read front to back, plain or gzip (recognised by its magic bytes, not its name), that
 * counts the bytes it has read so that every problem is reported with its offset. Reading past the end
 * is a {@link DatasetFormatException} naming what was being read, never an {@code EOFException}.
 */
final class DataFile implements Closeable {
    private static final int BUFFER = 1 << 16;
    /**
     * Payloads grow from here, doubling as their bytes arrive, so that a size claimed by a header costs
     * nothing until the bytes are there (at 64 MiB, a 50-byte gzip file claiming 2^31 bytes took 64 MiB).
     */
    private static final int FIRST_CHUNK = 256 << 10;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /**
     * Real image data deflates by at most this much (MNIST: 4.8x), so a gzip payload up to this multiple of the
     * file's size is allocated at once (no doubling, whose copies raised the loading peak by a third); beyond
     * it, the buffer doubles as bytes arrive, so a small file's inflated claim still costs only its bytes.
     */
    private static final long GZIP_RATIO = 64;

    private final Path file;
    private final InputStream in;
    private final boolean gzip;
    private final long fileSize;
    private long offset;

    private DataFile(Path file, InputStream in, boolean gzip, long fileSize) {
        this.file = file;
        this.in = in;
        this.gzip = gzip;
        this.fileSize = fileSize;
    }

    static DataFile open(Path file) throws IOException {
        long size = Files.size(file);
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (!gzip) {
                return new DataFile(file, raw, false, size);
            }
            try {
                return new DataFile(file, new GZIPInputStream(raw, BUFFER), true, size);
            } catch (IOException e) {
                throw new DatasetFormatException(file, 0, "corrupt gzip header: " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    boolean isGzip() {
        return gzip;
    }

    long offset() {
        return offset;
    }

    /** Bytes left in a plain file; -1 for gzip, whose content size is known only once read. */
    long remainingIfKnown() {
        return gzip ? -1 : fileSize - offset;
    }

    DatasetFormatException error(long at, String problem) {
        return new DatasetFormatException(file, at, problem);
    }

    int readUnsignedByte(String what) throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            throw streamError(e);
        }
        if (b < 0) {
            throw truncated(what, 1, 0);
        }
        offset++;
        return b;
    }

    int readIntBigEndian(String what) throws IOException {
        byte[] b = readBytes(4, what);
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Reads exactly {@code n} bytes; memory grows with the bytes that actually arrive. */
    byte[] readBytes(long n, String what) throws IOException {
        if (n < 0 || n > MAX_ARRAY) {
            throw error(offset, what + " of " + Long.toUnsignedString(n)
                    + " bytes is more than a Java array can hold");
        }
        long remaining = remainingIfKnown();
        if (remaining >= 0 && n > remaining) {
            throw error(offset, "truncated: " + what + " needs " + n + " bytes but the file has only "
                    + remaining + " left");
        }
        int len = (int) n;
        long trusted = gzip ? Math.max(FIRST_CHUNK, fileSize * GZIP_RATIO) : remaining;
        byte[] buf = new byte[(int) Math.min(len, trusted)];
        int done = 0;
        long start = offset;
        while (done < len) {
            if (done == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(len, 2L * buf.length));
            }
            int r;
            try {
                r = in.read(buf, done, buf.length - done);
            } catch (IOException e) {
                offset = start + done;
                throw streamError(e);
            }
            if (r < 0) {
                offset = start;
                throw truncated(what, len, done);
            }
            done += r;
        }
        offset = start + len;
        return buf;
    }

    /** Fails unless the content ends here (reading to the end also checks a gzip stream's CRC). */
    void expectEnd(String after) throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            throw streamError(e);
        }
        if (b >= 0) {
            throw error(offset, "unexpected data after " + after);
        }
    }

    private DatasetFormatException truncated(String what, long needed, long got) {
        return error(offset + got, "truncated: the " + (gzip ? "decompressed content" : "file") + " ends after "
                + got + " of the " + needed + " bytes of " + what);
    }

    private DatasetFormatException streamError(IOException e) {
        String problem = gzip ? "corrupt or truncated gzip stream (" + e.getMessage() + ")"
                : "read failed (" + e.getMessage() + ")";
        return new DatasetFormatException(file, offset, problem, e);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
