package dev.minibatch.io;

import dev.minibatch.tensor.DType;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format, which PyTorch reads with {@code safetensors.torch.load_file}:
 * an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * ({@code {"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}},
 * padded with spaces to a multiple of 8), then the tensors' bytes, row-major and little-endian, with
 * offsets relative to the end of the header. Minibatch writes and reads F32 and I32 tensors.
 *
 * <p>Reading trusts nothing in the file: the header length, the JSON, every dtype, shape and byte range are
 * checked against the file before any memory is sized by them, and any problem is reported as a
 * {@link SafetensorsFormatException}.
 */
public final class Safetensors {
    /** Tensor bytes are converted through a buffer of this size rather than a copy of the whole tensor. */
    private static final int CHUNK_BYTES = 1 << 20;

    /** The tensors of a file, in the header's order, and its {@code __metadata__} strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    private Safetensors() {
    }

    /** Writes {@code tensors} (in the map's order) and {@code metadata} to {@code file}, atomically. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(file, out -> write(out, tensors, metadata));
    }

    /** Writes {@code tensors} (in the map's order) and {@code metadata} to a stream, which stays open. */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = SafetensorsHeader.build(tensors, metadata);
        out.write(ByteBuffer.allocate(SafetensorsHeader.LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).array());
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            int n = t.numel();
            for (int from = 0; from < n; from += CHUNK_BYTES / Float.BYTES) {
                int count = Math.min(n - from, CHUNK_BYTES / Float.BYTES);
                chunk.clear();
                if (t.isFloat()) {
                    chunk.asFloatBuffer().put(t.storage(), from, count);
                } else {
                    chunk.asIntBuffer().put(t.intStorage(), from, count);
                }
                out.write(chunk.array(), 0, count * Float.BYTES);
            }
        }
    }

    /** Reads a safetensors file; a malformed one throws {@link SafetensorsFormatException} naming the file. */
    public static Contents load(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(SafetensorsSource.of(channel, file.toString()));
        }
    }

    /**
     * Reads safetensors bytes held in memory; {@code name} names them in error messages. Any input either
     * loads or throws {@link SafetensorsFormatException}.
     */
    public static Contents parse(byte[] bytes, String name) throws SafetensorsFormatException {
        try {
            return read(SafetensorsSource.of(bytes, name));
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            // Reading from memory performs no I/O; only format problems can be thrown.
            throw new UncheckedIOException(e);
        }
    }

    private static Contents read(SafetensorsSource in) throws IOException {
        SafetensorsHeader.Parsed header = SafetensorsHeader.parse(in);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) {
            tensors.put(e.name(), readTensor(in, header.dataStart(), e));
        }
        return new Contents(tensors, header.metadata());
    }

    private static Tensor readTensor(SafetensorsSource in, long dataStart, SafetensorsHeader.Entry e)
            throws IOException {
        int n = e.numel();
        float[] floats = e.dtype() == DType.FLOAT32 ? new float[n] : null;
        int[] ints = floats == null ? new int[n] : null;
        for (int from = 0; from < n; from += CHUNK_BYTES / Float.BYTES) {
            int count = Math.min(n - from, CHUNK_BYTES / Float.BYTES);
            ByteBuffer bytes = in.read(dataStart + e.begin() + (long) from * Float.BYTES, count * Float.BYTES);
            if (floats != null) {
                bytes.asFloatBuffer().get(floats, from, count);
            } else {
                bytes.asIntBuffer().get(ints, from, count);
            }
        }
        return floats != null ? Tensor.wrap(floats, e.shape()) : Tensor.wrapInts(ints, e.shape());
    }
}
