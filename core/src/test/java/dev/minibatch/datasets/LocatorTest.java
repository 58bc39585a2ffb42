package dev.minibatch.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocatorTest {
    @TempDir
    Path tmp;

    private Locator.Env env(boolean withData) {
        return new Locator.Env(withData ? tmp.resolve("data").toString() : null, tmp.resolve("cache"));
    }

    @Test
    void callersFolderIsTheOnlyPlaceLookedIn() {
        Path given = tmp.resolve("mine");
        assertEquals(List.of(given), Locator.searchPath(FashionMnist.SPEC, given, env(true)));
        assertEquals(given, Locator.downloadDir(FashionMnist.SPEC, given, env(true)));
    }

    @Test
    void withoutAFolderMinibatchDataThenSystemFoldersThenTheCache() {
        assertEquals(List.of(tmp.resolve("data/fashion-mnist"), Path.of("/usr/share/datasets/fashion-mnist"),
                tmp.resolve("cache/fashion-mnist")), Locator.searchPath(FashionMnist.SPEC, null, env(true)));
        assertEquals(List.of(tmp.resolve("data/mnist"), tmp.resolve("cache/mnist")),
                Locator.searchPath(Mnist.SPEC, null, env(true)));
        assertEquals(List.of(tmp.resolve("cache/mnist")), Locator.searchPath(Mnist.SPEC, null, env(false)));
    }

    @Test
    void downloadsGoToMinibatchDataIfSetElseTheCacheNeverASystemFolder() {
        assertEquals(tmp.resolve("data/fashion-mnist"), Locator.downloadDir(FashionMnist.SPEC, null, env(true)));
        assertEquals(tmp.resolve("cache/fashion-mnist"), Locator.downloadDir(FashionMnist.SPEC, null, env(false)));
    }

    @Test
    void theFirstFolderHoldingAllFourFilesWins() throws IOException {
        Path partial = Files.createDirectories(tmp.resolve("data/mnist"));
        Files.write(partial.resolve("train-images-idx3-ubyte.gz"), new byte[] {1});
        TestFiles.mnistFolder(tmp.resolve("cache/mnist"));
        MnistFormat.Files f = Locator.locate(Mnist.SPEC, null, List.of(), env(true));
        assertEquals(tmp.resolve("cache/mnist/train-images-idx3-ubyte.gz"), f.trainImages());
    }

    @Test
    void offlineTheErrorSaysWhichFilesAreMissingWhereItLookedAndHowToProvideThem() throws IOException {
        Path partial = Files.createDirectories(tmp.resolve("data/mnist"));
        Files.write(partial.resolve("train-labels-idx1-ubyte"), new byte[] {1});
        List<URI> unreachable = unreachableMirror();
        var e = assertThrows(DatasetNotFoundException.class,
                () -> Locator.locate(Mnist.SPEC, null, unreachable, env(true)));
        String m = e.getMessage();
        for (String file : List.of("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            assertTrue(m.contains(file), file + " in: " + m);
        }
        assertTrue(m.contains("missing train-images-idx3-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz in " + partial), m);
        assertTrue(m.contains(partial + " (1 of 4 files)"), m);
        assertTrue(m.contains(tmp.resolve("cache/mnist") + " (0 of 4 files)"), m);
        assertTrue(m.contains("ConnectException"), m);
        assertTrue(m.contains("MINIBATCH_DATA") && m.contains("load(dir)"), m);
        assertTrue(m.contains(Mnist.MIRRORS.get(0).toString()), m);
        assertTrue(m.contains("Download failed: train-images-idx3-ubyte.gz could not be downloaded"), m);
        assertEquals(1, e.getCause().getSuppressed().length, "one mirror, tried once: the other files wait");

        var never = assertThrows(DatasetNotFoundException.class,
                () -> Locator.locate(Mnist.SPEC, null, List.of(), env(true)));
        assertTrue(never.getMessage().contains("No mirror to download from was given"), never.getMessage());
    }

    /** A failed download takes back the folders it made, and the error names the files and their folder. */
    @Test
    void offlineNoEmptyFolderIsLeftBehind() throws IOException {
        List<URI> unreachable = unreachableMirror();
        var e = assertThrows(DatasetNotFoundException.class,
                () -> Locator.locate(Mnist.SPEC, null, unreachable, env(false)));
        assertFalse(Files.exists(tmp.resolve("cache")), "the cache folder the download made is gone");
        assertEquals("MNIST", e.dataset());
        assertEquals(List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz"), e.missing());
        assertEquals(tmp.resolve("cache/mnist"), e.target());
    }

    /** A mirror on a port that was just closed: every download from it fails at once. */
    private static List<URI> unreachableMirror() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        return List.of(URI.create("http://127.0.0.1:" + closedPort + "/mnist/"));
    }
}
