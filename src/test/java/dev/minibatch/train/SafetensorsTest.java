package dev.minibatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minibatch.tensor.DType;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sampleTensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("0.weight", Tensor.randn(new Generator(1), 3, 4));
        tensors.put("0.bias", Tensor.of(new float[] {-1.5f, 0f, Float.MIN_VALUE}, 3));
        tensors.put("labels", Tensor.ofInts(new int[] {7, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, 0}, 5));
        tensors.put("scalar", Tensor.scalar(0.25f));
        tensors.put("empty", Tensor.zeros(0, 5));
        return tensors;
    }

    private static byte[] bytes(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(out, tensors, metadata);
        return out.toByteArray();
    }

    @Test
    void roundTripKeepsFloatAndIntTensorsShapesAndMetadata() throws IOException {
        Map<String, Tensor> tensors = sampleTensors();
        Map<String, String> metadata = Map.of("format", "pt", "epoch", "3");
        Path file = dir.resolve("model.safetensors");
        Safetensors.save(file, tensors, metadata);

        Safetensors.Contents back = Safetensors.load(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor read = back.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), read.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), read.shape(), e.getKey());
            if (read.isFloat()) {
                assertArrayEquals(e.getValue().toFloatArray(), read.toFloatArray(), e.getKey());
            } else {
                assertArrayEquals(e.getValue().toIntArray(), read.toIntArray(), e.getKey());
            }
        }
        assertEquals(metadata, back.metadata());
    }

    /**
     * Reads the bytes the way the specification (and so {@code safetensors.torch.load_file}) defines them,
     * without Minibatch's reader: u64 little-endian N, N bytes of JSON, offsets relative to the buffer after it.
     */
    @Test
    void bytesFollowTheSpecificationLayout() throws IOException {
        Map<String, Tensor> tensors = sampleTensors();
        byte[] file = bytes(tensors, Map.of("format", "pt"));
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);

        long n = buf.getLong(0);
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        JsonNode root = new ObjectMapper().readTree(json);

        assertEquals("pt", root.get("__metadata__").get("format").textValue());
        int dataStart = 8 + (int) n;
        long covered = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            JsonNode info = root.get(e.getKey());
            Tensor t = e.getValue();
            assertEquals(t.isFloat() ? "F32" : "I32", info.get("dtype").textValue());
            int[] shape = new int[info.get("shape").size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = info.get("shape").get(d).intValue();
            }
            assertArrayEquals(t.shape(), shape);
            long begin = info.get("data_offsets").get(0).longValue();
            long end = info.get("data_offsets").get(1).longValue();
            assertEquals(covered, begin, "tensors are packed in order without gaps");
            assertEquals(4L * t.numel(), end - begin);
            for (int i = 0; i < t.numel(); i++) {
                int at = dataStart + (int) begin + 4 * i;
                if (t.isFloat()) {
                    assertEquals(Float.floatToRawIntBits(t.storage()[i]), Float.floatToRawIntBits(buf.getFloat(at)));
                } else {
                    assertEquals(t.intStorage()[i], buf.getInt(at));
                }
            }
            covered = end;
        }
        assertEquals(tensors.size() + 1, root.size(), "only the tensors and __metadata__ in the header");
        assertEquals(file.length, dataStart + covered, "the buffer ends with the last tensor");
    }

    @Test
    void noMetadataMeansNoMetadataKey() throws IOException {
        byte[] file = bytes(Map.of("w", Tensor.ones(2)), Map.of());
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonNode root = new ObjectMapper().readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        assertEquals(List.of("w"), iteratorToList(root.fieldNames()));
        assertEquals(Map.of(), Safetensors.parse(file, "x").metadata());
    }

    private static List<String> iteratorToList(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void writingRejectsATensorNamedLikeTheMetadata() {
        assertThrows(IllegalArgumentException.class,
                () -> bytes(Map.of("__metadata__", Tensor.ones(1)), Map.of()));
    }

    @Test
    void truncatedFileOnDiskIsAFormatErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        byte[] whole = bytes(sampleTensors(), Map.of());
        Files.write(file, Arrays.copyOf(whole, whole.length - 3));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Safetensors.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(file.toString(), e.source());
    }

    @Test
    void tensorsStoredInAnotherOrderThanTheHeaderListsAreRead() throws IOException {
        // A file whose data are laid out in a different order than its header lists the tensors.
        byte[] file = SafetensorsCorruptionTest.file(
                "{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).putInt(-9).array());
        Safetensors.Contents c = Safetensors.parse(file, "foreign");
        assertEquals(List.of("b", "a"), List.copyOf(c.tensors().keySet()));
        assertEquals(DType.INT32, c.tensors().get("b").dtype());
        assertEquals(-9f, c.tensors().get("b").item());
        assertEquals(2.5f, c.tensors().get("a").item());
    }
}
