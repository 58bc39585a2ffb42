package dev.minibatch.datasets;

import dev.minibatch.Fuzzing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.minibatch.datasets.TestFiles.gzip;
import static dev.minibatch.datasets.TestFiles.idx;
import static dev.minibatch.datasets.TestFiles.images;
import static dev.minibatch.datasets.TestFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private DatasetFormatException refused(Path file, int rank, String... words) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Idx.read(file, rank, "images"));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void readsPlainAndGzipAlike() throws IOException {
        Idx plain = Idx.read(write("a", images(3)), 3, "images");
        Idx gz = Idx.read(write("b", gzip(images(3))), 3, "images");
        assertArrayEquals(new int[] {3, 28, 28}, plain.dims());
        assertArrayEquals(plain.data(), gz.data());
        assertEquals(2, plain.data()[785], "pixel 1 of image 1 is 1 + 1");
    }

    @Test
    void wrongMagicNumber() throws IOException {
        DatasetFormatException e = refused(write("labels-as-images", labels(5)), 3,
                "wrong magic number 0x00000801, expected 0x00000803");
        assertEquals(0, e.offset());
        refused(write("text", "hello, world".getBytes()), 3, "wrong magic number 0x68656c6c");
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] header = Arrays.copyOf(images(1), 10);
        DatasetFormatException e = refused(write("short", header), 3, "truncated", "size of dimension 1");
        assertEquals(8, e.offset());
        assertEquals(0, refused(write("empty", new byte[0]), 3, "truncated", "magic").offset());
    }

    @Test
    void truncatedDataInAPlainFile() throws IOException {
        byte[] whole = images(5);
        DatasetFormatException e = refused(write("cut", Arrays.copyOf(whole, whole.length - 400)), 3,
                "truncated", "needs 3920 bytes", "has only 3520");
        assertEquals(16, e.offset());
    }

    @Test
    void truncatedDataInAGzipFile() throws IOException {
        byte[] content = Arrays.copyOf(images(5), 16 + 3000);
        DatasetFormatException e = refused(write("cut.gz", gzip(content)), 3,
                "truncated", "decompressed content ends after 3000 of the 3920 bytes");
        assertEquals(16 + 3000, e.offset());
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] gz = gzip(images(50));
        refused(write("cut-stream.gz", Arrays.copyOf(gz, gz.length - 30)), 3, "gzip");
    }

    @Test
    void corruptGzipStream() throws IOException {
        byte[] gz = gzip(images(50));
        for (int i = 40; i < 80; i++) {
            gz[i] ^= (byte) 0xa5;
        }
        refused(write("corrupt.gz", gz), 3, "gzip");
    }

    @Test
    void corruptGzipChecksum() throws IOException {
        byte[] gz = gzip(images(5));
        gz[gz.length - 6] ^= 1;
        refused(write("crc.gz", gz), 3, "gzip");
    }

    @Test
    void headerClaimingBillionsOfBytesIsRefusedBeforeAllocating() throws IOException {
        byte[] huge = idx(new int[] {Integer.MAX_VALUE, 28, 28}, new byte[100]);
        assertEquals(8, refused(write("huge", huge), 3, "make more than 2147483647 bytes").offset());
        byte[] big = idx(new int[] {2_000_000, 28, 28}, new byte[100]);
        refused(write("big", big), 3, "truncated", "needs 1568000000 bytes");
        refused(write("big.gz", gzip(big)), 3, "truncated", "ends after 100 of the 1568000000 bytes");
        byte[] unsigned = idx(new int[] {-1, 28, 28}, new byte[0]);
        refused(write("unsigned", unsigned), 3, "4294967295");
    }

    /** Found by GzipFuzzTest: a 55-byte gzip file claiming 2 billion labels made the reader allocate 64 MiB. */
    @Test
    void headersClaimingBillionsOfBytesCostOnlyTheBytesThatArrive() throws IOException {
        byte[] labels = idx(new int[] {2_000_000_000}, new byte[3]);
        byte[] images = idx(new int[] {2_000_000, 28, 28}, new byte[100]);
        byte[] overflowing = idx(new int[] {1 << 30, 28, 28}, new byte[100]);
        for (boolean gzip : new boolean[] {false, true}) {
            Path l = write("labels" + gzip, gzip ? gzip(labels) : labels);
            assertTrue(assertThrows(DatasetFormatException.class, () -> Idx.read(l, 1, "labels")).getMessage()
                    .contains("2000000000 bytes"));
            Fuzzing.loadsOrRefuses(DatasetFormatException.class, labels.length, () -> Idx.read(l, 1, "labels"));
            Path i = write("images" + gzip, gzip ? gzip(images) : images);
            refused(i, 3, "truncated", "1568000000 bytes");
            Fuzzing.loadsOrRefuses(DatasetFormatException.class, images.length, () -> Idx.read(i, 3, "images"));
            Path o = write("overflowing" + gzip, gzip ? gzip(overflowing) : overflowing);
            refused(o, 3, "sizes [1073741824, 28] make more than 2147483647 bytes");
            Fuzzing.loadsOrRefuses(DatasetFormatException.class, images.length, () -> Idx.read(o, 3, "images"));
        }
    }

    @Test
    void extraDataAfterTheAnnouncedBytes() throws IOException {
        byte[] extra = Arrays.copyOf(labels(5), 8 + 5 + 3);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Idx.read(write("extra", extra), 1, "labels"));
        assertTrue(e.getMessage().contains("unexpected data after the 5 bytes"), e.getMessage());
        assertEquals(13, e.offset());
    }

    @Test
    void mnistFolderChecksTheFilesAgainstEachOther() throws IOException {
        Path ok = TestFiles.mnistFolder(dir.resolve("ok"));
        Splits s = Mnist.load(ok, List.of());
        assertEquals(10, s.train().size());
        assertEquals(2, s.valid().size());
        assertEquals(6, s.test().size());
        assertEquals(5, s.train().get(5).y().item());
        assertEquals(11f / 255, s.valid().get(1).x().get(0), 1e-7);

        Path mismatch = TestFiles.mnistFolder(dir.resolve("mismatch"));
        Files.write(mismatch.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(7)));
        var count = assertThrows(DatasetFormatException.class, () -> Mnist.load(mismatch, List.of()));
        assertTrue(count.getMessage().contains("7 labels, but") && count.getMessage().contains("holds 6 images"),
                count.getMessage());
        assertTrue(count.getMessage().startsWith(mismatch.resolve("t10k-labels-idx1-ubyte.gz").toString()));

        Path range = TestFiles.mnistFolder(dir.resolve("range"));
        byte[] badLabels = labels(12);
        badLabels[8 + 4] = 10;
        Files.write(range.resolve("train-labels-idx1-ubyte.gz"), gzip(badLabels));
        var label = assertThrows(DatasetFormatException.class, () -> Mnist.load(range, List.of()));
        assertTrue(label.getMessage().contains("label 10 of image 4 is out of range 0..9"), label.getMessage());
        assertEquals(12, label.offset());

        Path size = TestFiles.mnistFolder(dir.resolve("size"));
        Files.write(size.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(new int[] {6, 32, 32}, new byte[6 * 1024])));
        var side = assertThrows(DatasetFormatException.class, () -> Mnist.load(size, List.of()));
        assertTrue(side.getMessage().contains("images are 32x32, expected 28x28"), side.getMessage());
    }

    /** The training images are checked on the thread that reads them: their error reaches the caller as it is. */
    @Test
    void trainingImagesOfAnotherSizeAreAFormatErrorAtTheirHeader() throws IOException {
        Path size = TestFiles.mnistFolder(dir.resolve("train-size"));
        Path images = size.resolve("train-images-idx3-ubyte.gz");
        Files.write(images, gzip(idx(new int[] {12, 32, 32}, new byte[12 * 1024])));
        var e = assertThrows(DatasetFormatException.class, () -> Mnist.load(size, List.of(), () -> { }));
        assertTrue(e.getMessage().startsWith(images.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("images are 32x32, expected 28x28"), e.getMessage());
        assertEquals(8, e.offset());
    }

    @Test
    void plainFilesServeAsWellAsGzipOnes() throws IOException {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.write(plain.resolve("train-images-idx3-ubyte"), images(12));
        Files.write(plain.resolve("train-labels-idx1-ubyte"), labels(12));
        Files.write(plain.resolve("t10k-images-idx3-ubyte"), images(6));
        Files.write(plain.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(6)));
        assertEquals(6, FashionMnist.load(plain, List.of()).test().size());
    }
}
