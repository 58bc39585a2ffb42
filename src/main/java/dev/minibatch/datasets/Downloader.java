package dev.minibatch.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Downloads a file from the first mirror that serves it whole: into a temporary file beside its
 * destination, checked against the published size and MD5 as it arrives, and moved into place only once
 * verified, so that no reader ever sees part of a file.
 */
final class Downloader {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private Downloader() {
    }

    /** Downloads {@code file} into {@code dir}; the exception lists what each mirror did wrong. */
    static Path download(List<URI> mirrors, RemoteFile file, Path dir) throws IOException {
        Files.createDirectories(dir);
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        List<String> problems = new ArrayList<>();
        List<IOException> failures = new ArrayList<>();
        for (URI mirror : mirrors) {
            URI uri = mirror.resolve(file.gzName());
            try {
                return fetch(client, uri, file, dir);
            } catch (IOException e) {
                problems.add(uri + ": " + describe(e));
                failures.add(e);
            }
        }
        IOException e = new IOException(file.gzName() + " could not be downloaded: " + String.join("; ", problems));
        failures.forEach(e::addSuppressed);
        throw e;
    }

    /** Some exceptions of the network stack have no message, only a type (ConnectException). */
    private static String describe(IOException e) {
        return e.getClass() == IOException.class ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private static Path fetch(HttpClient client, URI uri, RemoteFile file, Path dir) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + uri);
        }
        Path part = Files.createTempFile(dir, "." + file.gzName() + ".", ".part");
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP status " + response.statusCode());
            }
            String md5 = copy(body, part, file.size());
            if (!md5.equals(file.md5())) {
                throw new IOException("checksum mismatch: MD5 " + md5 + ", published " + file.md5()
                        + " (" + Files.size(part) + " bytes received, " + file.size() + " published)");
            }
            Path target = dir.resolve(file.gzName());
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Copies at most {@code limit} bytes and returns their MD5 in hex; more than that is an error. */
    private static String copy(InputStream in, Path to, long limit) throws IOException {
        MessageDigest md5 = md5();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(to)) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                total += r;
                if (total > limit) {
                    throw new IOException("more than the published " + limit + " bytes");
                }
                md5.update(buf, 0, r);
                out.write(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides MD5", e);
        }
    }
}
