package dev.minibatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minibatch.tensor.DType;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: built for writing, and parsed and checked for reading.
 * Every number in a header read from a file is checked against the file before anything is sized by it.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    /** The reference implementation's limit: it keeps a hostile file from making us parse gigabytes of JSON. */
    static final long MAX_LENGTH = 100_000_000L;
    /** The header starts after its 8-byte little-endian length. */
    static final int LENGTH_BYTES = 8;

    private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

    /** One tensor's entry; offsets are relative to the data buffer that follows the header. */
    record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        int numel() {
            return (int) ((end - begin) / Float.BYTES);
        }
    }

    /** A checked header: entries in header order, the metadata, and where the data buffer starts in the file. */
    record Parsed(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    private SafetensorsHeader() {
    }

    // ---- writing --------------------------------------------------------------------------------

    /** The header's bytes, padded with spaces to a multiple of 8 as the reference implementation does. */
    static byte[] build(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode root = HeaderJson.JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach((key, value) -> meta.put(requireNonNull("metadata key", key),
                    requireNonNull("metadata value of " + key, value)));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = requireNonNull("tensor name", e.getKey());
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            Tensor t = requireNonNull("tensor " + name, e.getValue());
            long end = offset + (long) t.numel() * Float.BYTES;
            ObjectNode info = root.putObject(name);
            info.put("dtype", t.isFloat() ? "F32" : "I32");
            ArrayNode shape = info.putArray("shape");
            for (int s : t.shape()) {
                shape.add(s);
            }
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = HeaderJson.JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static <T> T requireNonNull(String what, T value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        return value;
    }

    // ---- reading --------------------------------------------------------------------------------

    /** Reads and checks the header; afterwards every entry's byte range lies inside the file. */
    static Parsed parse(SafetensorsSource in) throws IOException {
        long size = in.size();
        if (size < LENGTH_BYTES) {
            throw in.error(0, "the file is " + size + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = in.read(0, LENGTH_BYTES);
        long length = lengthBytes.getLong(0);
        if (length < 0 || length > MAX_LENGTH) {
            throw in.error(0, "header length " + Long.toUnsignedString(length) + " exceeds the limit of "
                    + MAX_LENGTH + " bytes");
        }
        if (length > size - LENGTH_BYTES) {
            throw in.error(0, "header length " + length + " runs past the end of the " + size + "-byte file");
        }
        String text = decodeUtf8(in, in.read(LENGTH_BYTES, (int) length));
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw in.error(LENGTH_BYTES, "the header does not start with '{'");
        }
        long dataStart = LENGTH_BYTES + length;
        Parsed parsed = interpret(in, HeaderJson.fields(in, text, LENGTH_BYTES), dataStart, size - dataStart);
        checkLayout(in, parsed, size - dataStart);
        return parsed;
    }

    private static String decodeUtf8(SafetensorsSource in, ByteBuffer bytes) throws SafetensorsFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(bytes.remaining());
        CoderResult result = decoder.decode(bytes, chars, true);
        if (result.isError()) {
            throw in.error(LENGTH_BYTES + bytes.position(), "the header is not valid UTF-8");
        }
        decoder.flush(chars);
        return chars.flip().toString();
    }

    private static Parsed interpret(SafetensorsSource in, List<HeaderJson.Field> fields, long dataStart,
            long dataLength) throws SafetensorsFormatException {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (HeaderJson.Field field : fields) {
            if (field.name().equals(METADATA_KEY)) {
                metadata = metadata(in, field);
            } else {
                entries.add(entry(in, field, dataStart, dataLength));
            }
        }
        return new Parsed(entries, metadata, dataStart);
    }

    private static Map<String, String> metadata(SafetensorsSource in, HeaderJson.Field field)
            throws SafetensorsFormatException {
        JsonNode node = field.value();
        if (!node.isObject()) {
            throw in.error(field.offset(), METADATA_KEY + " is not an object of strings but " + node.getNodeType());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> values = node.fields();
        while (values.hasNext()) {
            Map.Entry<String, JsonNode> value = values.next();
            if (!value.getValue().isTextual()) {
                throw in.error(field.offset(), METADATA_KEY + " value of '" + value.getKey()
                        + "' is not a string but " + value.getValue().getNodeType());
            }
            metadata.put(value.getKey(), value.getValue().textValue());
        }
        return metadata;
    }

    private static Entry entry(SafetensorsSource in, HeaderJson.Field field, long dataStart, long dataLength)
            throws SafetensorsFormatException {
        String name = field.name();
        JsonNode node = field.value();
        long at = field.offset();
        if (!node.isObject()) {
            throw in.error(at, "tensor '" + name + "' is not described by an object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!TENSOR_FIELDS.contains(key)) {
                throw in.error(at, "tensor '" + name + "' has an unknown field '" + key + "'");
            }
        }
        DType dtype = dtype(in, name, at, node.get("dtype"));
        int[] shape = shape(in, name, at, node.get("shape"));
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw in.error(at, "tensor '" + name + "': data_offsets is not an array [begin, end]");
        }
        long begin = offset(in, name, at, offsets.get(0), dataLength);
        long end = offset(in, name, at, offsets.get(1), dataLength);
        if (begin > end) {
            throw in.error(dataStart + begin, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        long numel = 1;
        for (int s : shape) {
            numel *= s;
            if (numel > Integer.MAX_VALUE) {
                throw in.error(at, "tensor '" + name + "' has shape " + Arrays.toString(shape)
                        + ", more than the " + Integer.MAX_VALUE + " elements a Minibatch tensor can hold");
            }
        }
        if (numel * Float.BYTES != end - begin) {
            throw in.error(dataStart + begin, "tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + " and dtype " + node.get("dtype").textValue() + " needs " + numel * Float.BYTES
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static DType dtype(SafetensorsSource in, String name, long at, JsonNode node) throws SafetensorsFormatException {
        if (node == null || !node.isTextual()) {
            throw in.error(at, "tensor '" + name + "' has no dtype string");
        }
        return switch (node.textValue()) {
            case "F32" -> DType.FLOAT32;
            case "I32" -> DType.INT32;
            default -> throw in.error(at, "tensor '" + name + "' has dtype '" + node.textValue()
                    + "'; Minibatch reads F32 and I32 tensors");
        };
    }

    private static int[] shape(SafetensorsSource in, String name, long at, JsonNode node)
            throws SafetensorsFormatException {
        if (node == null || !node.isArray()) {
            throw in.error(at, "tensor '" + name + "' has no shape array");
        }
        int[] shape = new int[node.size()];
        for (int d = 0; d < shape.length; d++) {
            JsonNode s = node.get(d);
            if (!s.isIntegralNumber() || !s.canConvertToInt() || s.intValue() < 0) {
                throw in.error(at, "tensor '" + name + "' has size " + s + " in dimension " + d
                        + " of its shape; sizes are integers from 0 to " + Integer.MAX_VALUE);
            }
            shape[d] = s.intValue();
        }
        return shape;
    }

    private static long offset(SafetensorsSource in, String name, long at, JsonNode node, long dataLength)
            throws SafetensorsFormatException {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0
                || node.longValue() > dataLength) {
            throw in.error(at, "tensor '" + name + "' has data offset " + node
                    + " outside the " + dataLength + "-byte data buffer");
        }
        return node.longValue();
    }

    /**
     * The byte ranges must tile the data buffer exactly, as the specification demands: no overlap (a
     * tensor read twice) and no hole (bytes no tensor accounts for, where another format could hide).
     */
    private static void checkLayout(SafetensorsSource in, Parsed parsed, long dataLength)
            throws SafetensorsFormatException {
        List<Entry> sorted = new ArrayList<>(parsed.entries());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin() != expected) {
                throw in.error(parsed.dataStart() + Math.min(e.begin(), expected), "tensor '" + e.name()
                        + "' starts at data offset " + e.begin() + " but the previous tensor ends at " + expected
                        + (e.begin() < expected ? " (they overlap)" : " (a gap)"));
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw in.error(parsed.dataStart() + expected, "the tensors cover " + expected + " bytes of the "
                    + dataLength + "-byte data buffer");
        }
    }
}
