package dev.minibatch.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that it is either its old complete version or its new complete version, never a
 * mix, even if the process is killed or the machine loses power while writing: the bytes go to a
 * temporary file in the same directory, which is flushed to disk and then renamed over the target.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes a file's contents to a stream; the stream need not be closed. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code body} writes. If the body or the disk fails, the target
     * is left as it was, the temporary file is removed, and the exception names the target.
     */
    public static void write(Path target, Body body) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            writeAndSync(tmp, body);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(tmp, e);
            if (e instanceof IOException io) {
                throw new IOException("could not write " + target + ": " + describe(io), io);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * Fails now, saying why, if files cannot be written into {@code dir} (created if missing): a path
     * through a file, a read-only or immutable folder, a full disk. It writes, syncs and removes a
     * one-byte file, so that a long run finds out before it starts rather than at its first save.
     */
    public static void checkWritable(Path dir) throws IOException {
        Path probe = dir.resolve(".write-probe." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            Files.createDirectories(dir);
            writeAndSync(probe, out -> out.write(0));
            Files.delete(probe);
        } catch (IOException e) {
            deleteQuietly(probe, e);
            throw new IOException("cannot write to " + dir + ": " + describe(e), e);
        }
    }

    /** Replaces {@code target} with the UTF-8 bytes of {@code text}. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void writeAndSync(Path tmp, Body body) throws IOException {
        // CREATE_NEW rather than Files.createTempFile, whose owner-only permissions the renamed file would keep.
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(new Unclosable(Channels.newOutputStream(channel)), 1 << 16);
            body.writeTo(out);
            out.flush();
            channel.force(true);
        }
    }

    /**
     * Makes the rename itself durable. Some platforms cannot open a directory for syncing; there the
     * rename is still atomic, only its durability across a power loss is up to the file system.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Directory sync is an extra guarantee, not something the write depends on.
        }
    }

    private static void deleteQuietly(Path tmp, Throwable cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** NIO's exceptions often carry only the path as message; say what happened too. */
    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory (" + e.getMessage() + ")";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Lets a body close its stream (as some encoders do) without closing the channel before it is synced. */
    private static final class Unclosable extends FilterOutputStream {
        Unclosable(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
