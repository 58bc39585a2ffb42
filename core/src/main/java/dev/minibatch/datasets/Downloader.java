package dev.minibatch.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Downloads a file from the first mirror that serves it whole: into a temporary file beside its
 * destination, checked against the published size and MD5 as it arrives, and moved into place only once
 * verified, so that no reader ever sees part of a file.
 */
final class Downloader {
    private static final int CONNECT_TIMEOUT_MS = 20_000;
    /** A mirror that sends nothing for this long has stalled: the next one is tried. */
    private static final int READ_TIMEOUT_MS = 60_000;

    private Downloader() {
    }

    /** Downloads {@code file} into {@code dir}; the exception lists what each mirror did wrong. */
    static Path download(List<URI> mirrors, RemoteFile file, Path dir) throws IOException {
        Path created = firstMissing(dir);
        Files.createDirectories(dir);
        List<String> problems = new ArrayList<>();
        List<IOException> failures = new ArrayList<>();
        for (URI mirror : mirrors) {
            URI uri = mirror.resolve(file.gzName());
            try {
                return fetch(uri, file, dir);
            } catch (IOException e) {
                problems.add(uri + ": " + describe(e));
                failures.add(e);
            }
        }
        IOException e = new IOException(file.gzName() + " could not be downloaded: " + String.join("; ", problems));
        failures.forEach(e::addSuppressed);
        removeIfEmpty(dir, created);
        throw e;
    }

    /** The outermost folder of {@code dir}'s path that does not exist yet, or null. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Takes back the empty folders this download made, from {@code dir} up to {@code created}. */
    private static void removeIfEmpty(Path dir, Path created) {
        if (created == null) {
            return;
        }
        for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(created); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException notEmpty) {
                return;
            }
        }
    }

    /** Some exceptions of the network stack have no message, only a type (ConnectException). */
    private static String describe(IOException e) {
        return e.getClass() == IOException.class ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private static Path fetch(URI uri, RemoteFile file, Path dir) throws IOException {
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
        http.setConnectTimeout(CONNECT_TIMEOUT_MS);
        http.setReadTimeout(READ_TIMEOUT_MS);
        Path part = null;
        try {
            if (http.getResponseCode() != HttpURLConnection.HTTP_OK) {
                throw new IOException("HTTP status " + http.getResponseCode());
            }
            part = Files.createTempFile(dir, "." + file.gzName() + ".", ".part");
            long received;
            String md5;
            try (InputStream body = http.getInputStream()) {
                MessageDigest digest = md5();
                received = copy(body, part, file.size(), digest);
                md5 = HexFormat.of().formatHex(digest.digest());
            }
            if (received < file.size()) {
                throw new IOException("truncated: " + received + " of the published " + file.size() + " bytes");
            }
            if (!md5.equals(file.md5())) {
                throw new IOException("checksum mismatch: MD5 " + md5 + ", published " + file.md5());
            }
            Path target = dir.resolve(file.gzName());
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            http.disconnect();
            if (part != null) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** Copies at most {@code limit} bytes, digesting them, and returns their number; more is an error. */
    private static long copy(InputStream in, Path to, long limit, MessageDigest digest) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(to)) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                total += r;
                if (total > limit) {
                    throw new IOException("more than the published " + limit + " bytes");
                }
                digest.update(buf, 0, r);
                out.write(buf, 0, r);
            }
        }
        return total;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides MD5", e);
        }
    }
}
