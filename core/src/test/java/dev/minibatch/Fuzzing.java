package dev.minibatch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The property every fuzz target checks: whatever its bytes, a file either loads or is refused with the
 * reader's documented exception and a message, and reading it allocates no more memory than its content
 * can justify, so that a header claiming 2^31 images cannot make the reader allocate them. Anything else
 * (another exception, an error such as StackOverflowError, an allocation past the budget) fails the
 * target, which Jazzer reports as a finding.
 */
public final class Fuzzing {
    /** Heap any read may take whatever its input: stream buffers, parser state, an exception and its message. */
    static final long FIXED_BUDGET = 1L << 20;
    /** And per byte of content: the values a pickle or a JSON header builds take a few dozen bytes per byte. */
    static final long PER_BYTE_BUDGET = 256;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static Path dir;

    private Fuzzing() {
    }

    /** A read of one input that may fail only with an {@link IOException}. */
    public interface Read {
        void read() throws IOException;
    }

    /** Writes {@code bytes} to this JVM's fuzz input file (one file, rewritten for every input). */
    public static Path write(byte[] bytes) {
        return write(bytes, "input");
    }

    /** Writes {@code bytes} to the file {@code name} in this JVM's fuzz directory, rewritten for every input. */
    public static synchronized Path write(byte[] bytes, String name) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("minibatch-fuzz");
                dir.toFile().deleteOnExit();
            }
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                file.toFile().deleteOnExit();
            }
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code read} on an input whose content (decompressed, for gzip) is {@code contentBytes} long: it
     * must return, or throw {@code documented} with a message; it may allocate at most
     * {@link #FIXED_BUDGET} plus {@link #PER_BYTE_BUDGET} per byte of content.
     */
    public static void loadsOrRefuses(Class<? extends IOException> documented, long contentBytes, Read read)
            throws IOException {
        long budget = FIXED_BUDGET + PER_BYTE_BUDGET * contentBytes;
        long allocated = allocatedBy(documented, read);
        if (allocated > budget) {
            // The first use of a class loads (and, under Jazzer, instruments) it on the reading thread: a
            // read that is over budget is measured again, and only a second excess is a finding.
            allocated = allocatedBy(documented, read);
        }
        if (allocated > budget) {
            throw new AssertionError("reading " + contentBytes + " bytes of content allocated " + allocated
                    + " bytes, more than the budget of " + budget);
        }
    }

    private static long allocatedBy(Class<? extends IOException> documented, Read read) throws IOException {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            read.read();
        } catch (IOException e) {
            if (!documented.isInstance(e)) {
                throw e;
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("refused without a message", e);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    /** The bytes a reader gets out of {@code bytes}: all, or what a gzip stream yields before it ends or breaks. */
    public static long contentLength(byte[] bytes) {
        if (!isGzip(bytes)) {
            return bytes.length;
        }
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
            }
        } catch (IOException e) {
            // The reader stops at the same place, with its own exception.
        }
        return n;
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
