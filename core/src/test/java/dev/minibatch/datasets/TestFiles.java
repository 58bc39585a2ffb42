package dev.minibatch.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small IDX and gzip files for tests of the readers. */
final class TestFiles {
    private TestFiles() {
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An IDX file of unsigned bytes with the given sizes and data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** n images of 28x28 whose pixel i of image k is (k + i) % 256. */
    static byte[] images(int n) {
        byte[] data = new byte[n * 784];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 784 + i % 784);
        }
        return idx(new int[] {n, 28, 28}, data);
    }

    /** n labels, label k = k % 10. */
    static byte[] labels(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i % 10);
        }
        return idx(new int[] {n}, data);
    }

    /** A folder of the four MNIST files, gzip'd: 12 training and 6 test images. */
    static Path mnistFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(12)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(12)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(6)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(6)));
        return dir;
    }
}
