package dev.minibatch.datasets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads from a server on the loopback address that serves good, corrupt and truncated files. */
class DownloadTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private Spec spec;

    @BeforeEach
    void serve() throws IOException {
        Path source = TestFiles.mnistFolder(tmp.resolve("source"));
        List<RemoteFile> remote = Mnist.FILES.stream().map(f -> remote(source, f.name())).toList();
        spec = new Spec("Tiny MNIST", "tiny", remote, List.of(), List.of());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String kind : List.of("good", "corrupt", "truncated", "short", "long", "missing")) {
            server.createContext("/" + kind + "/", ex -> respond(kind, ex));
        }
        server.start();
    }

    private RemoteFile remote(Path dir, String name) {
        try {
            byte[] gz = Files.readAllBytes(dir.resolve(name + ".gz"));
            files.put(name + ".gz", gz);
            return new RemoteFile(name, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(gz)),
                    gz.length);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void respond(String kind, HttpExchange ex) throws IOException {
        requests.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        String path = ex.getRequestURI().getPath();
        byte[] body = files.get(path.substring(path.lastIndexOf('/') + 1));
        try (ex; OutputStream out = ex.getResponseBody()) {
            if (body == null || kind.equals("missing")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            switch (kind) {
                case "corrupt" -> {
                    byte[] bad = body.clone();
                    bad[bad.length / 2] ^= 1;
                    ex.sendResponseHeaders(200, bad.length);
                    out.write(bad);
                }
                case "truncated" -> {
                    // Closing short of the announced length throws, and the server then drops the connection.
                    ex.sendResponseHeaders(200, body.length);
                    out.write(body, 0, body.length / 2);
                }
                case "short" -> {
                    ex.sendResponseHeaders(200, 0);
                    out.write(body, 0, body.length / 2);
                }
                case "long" -> {
                    ex.sendResponseHeaders(200, 0);
                    out.write(body);
                    out.write(new byte[100]);
                }
                default -> {
                    ex.sendResponseHeaders(200, body.length);
                    out.write(body);
                }
            }
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI mirror(String kind) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + kind + "/");
    }

    private Splits load(Path dir, String... kinds) throws IOException {
        List<URI> mirrors = Arrays.stream(kinds).map(this::mirror).toList();
        MnistFormat.Files f = Locator.locate(spec, dir, mirrors, new Locator.Env(null, tmp.resolve("cache")));
        return MnistFormat.read(spec.name(), f, null);
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsMissingFilesVerifiesThemAndLoads() throws IOException {
        Path dir = tmp.resolve("data");
        Splits s = load(dir, "good");
        assertEquals(10, s.train().size());
        assertEquals(6, s.test().size());
        assertEquals(files.keySet().stream().sorted().toList(), listing(dir), "the four files and nothing else");
        assertEquals(4, requests.get("good").get());
    }

    @Test
    void aCorruptMirrorIsPassedOverForTheNext() throws IOException {
        Path dir = tmp.resolve("data");
        assertEquals(10, load(dir, "corrupt", "good").train().size());
        assertEquals(4, requests.get("corrupt").get());
        assertEquals(4, requests.get("good").get());
    }

    @Test
    void corruptTruncatedOrMissingFilesAreNeverMovedIntoPlace() throws IOException {
        Path dir = tmp.resolve("data");
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> load(dir, "corrupt", "truncated", "short", "long", "missing"));
        String m = e.getMessage();
        assertTrue(m.contains("checksum mismatch"), m);
        assertTrue(m.contains("more than the published"), m);
        assertTrue(m.contains("truncated: 206 of the published 412 bytes"), m);
        assertTrue(m.contains("HTTP status 404"), m);
        assertTrue(m.contains(mirror("truncated") + "train-images-idx3-ubyte.gz"), m);
        assertEquals(5, e.getCause().getSuppressed().length, "one failure per mirror");
        assertTrue(m.contains("missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"), m);
        assertFalse(Files.exists(dir), "no file, whole or partial, nor the folder the download made, is left behind");
    }

    @Test
    void onlyMissingFilesAreDownloaded() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), files.get("train-images-idx3-ubyte.gz"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), files.get("t10k-images-idx3-ubyte.gz"));
        assertEquals(10, load(dir, "good").train().size());
        assertEquals(2, requests.get("good").get());
    }
}
