package dev.minibatch.io;

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

    /** The bytes follow the specification, read without Minibatch's reader (see {@link SpecReader}). */
    @Test
    void bytesFollowTheSpecificationLayout() throws IOException {
        Map<String, Tensor> tensors = sampleTensors();
        SpecReader.File file = SpecReader.read(bytes(tensors, Map.of("format", "pt")));

        assertEquals(Map.of("format", "pt"), file.metadata());
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(file.tensors().keySet()), "in the map's order");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            SpecReader.Entry read = file.tensors().get(e.getKey());
            Tensor t = e.getValue();
            assertEquals(t.isFloat() ? "F32" : "I32", read.dtype());
            assertArrayEquals(t.shape(), read.shape());
            if (t.isFloat()) {
                assertArrayEquals(t.storage(), read.floats());
            } else {
                assertArrayEquals(t.intStorage(), read.words());
            }
        }
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
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.load(file));
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
