package dev.minibatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads safetensors bytes the way the specification defines them, independently of {@link Safetensors}:
 * a u64 little-endian header length N, N bytes of UTF-8 JSON padded with spaces, then the data buffer,
 * with offsets relative to its start. It asserts the layout rules the reference implementation enforces
 * (header a multiple of 8, tensors packed in order without gaps, the buffer fully used), so a file it
 * accepts is one {@code safetensors.torch.load_file} accepts.
 */
public final class SpecReader {
    /** One tensor as the specification describes it; values are raw 32-bit words (float bits or ints). */
    public record Entry(String dtype, int[] shape, int[] words) {
        public float[] floats() {
            float[] f = new float[words.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = Float.intBitsToFloat(words[i]);
            }
            return f;
        }
    }

    public record File(Map<String, Entry> tensors, Map<String, String> metadata) {
    }

    private SpecReader() {
    }

    public static File read(byte[] file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"), "the header starts with '{'");
        String json = header.stripTrailing();
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        JsonNode root = new ObjectMapper().readTree(json);

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> tensors = new LinkedHashMap<>();
        int dataStart = 8 + (int) n;
        long covered = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().textValue()));
                continue;
            }
            JsonNode info = field.getValue();
            String dtype = info.get("dtype").textValue();
            assertTrue(dtype.equals("F32") || dtype.equals("I32"), dtype);
            int[] shape = new int[info.get("shape").size()];
            long numel = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = info.get("shape").get(d).intValue();
                numel *= shape[d];
            }
            long begin = info.get("data_offsets").get(0).longValue();
            long end = info.get("data_offsets").get(1).longValue();
            assertEquals(covered, begin, field.getKey() + " follows the previous tensor without a gap");
            assertEquals(4 * numel, end - begin, field.getKey() + ": 4 bytes per element");
            int[] words = new int[(int) numel];
            for (int i = 0; i < words.length; i++) {
                words[i] = buf.getInt(dataStart + (int) begin + 4 * i);
            }
            tensors.put(field.getKey(), new Entry(dtype, shape, words));
            covered = end;
        }
        assertEquals(file.length, dataStart + covered, "the buffer ends with the last tensor");
        return new File(tensors, metadata);
    }
}
