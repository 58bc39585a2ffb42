package dev.minibatch.io;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed input is rejected with {@link SafetensorsFormatException}, naming the problem and where. */
class SafetensorsCorruptionTest {
    private static final String F32_2 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    /** A file made of {@code json} as its header and {@code data} as its buffer. */
    static byte[] file(String json, byte[] data) {
        return file(json.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8).length, data);
    }

    static byte[] file(byte[] header, long declaredLength, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(declaredLength).put(header).put(data).array();
    }

    private static SafetensorsFormatException rejected(byte[] bytes) {
        return assertThrows(SafetensorsFormatException.class, () -> Safetensors.parse(bytes, "bad.safetensors"));
    }

    private static void assertRejected(String expectedProblem, long expectedOffset, byte[] bytes) {
        SafetensorsFormatException e = rejected(bytes);
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedProblem), e.getMessage());
        assertEquals(expectedOffset, e.offset(), e.getMessage());
    }

    @Test
    void wellFormedBaselineLoads() throws SafetensorsFormatException {
        assertEquals(2, Safetensors.parse(file(F32_2, new byte[8]), "ok").tensors().get("w").numel());
    }

    @Test
    void fileShorterThanTheLengthField() {
        assertRejected("shorter than the 8-byte header length", 0, new byte[5]);
    }

    @Test
    void headerLengthBeyondTheLimitOrTheFile() {
        byte[] header = F32_2.getBytes(StandardCharsets.UTF_8);
        assertRejected("exceeds the limit", 0, file(header, -1L, new byte[8]));
        assertRejected("exceeds the limit", 0, file(header, 100_000_001L, new byte[8]));
        assertRejected("runs past the end", 0, file(header, header.length + 9, new byte[8]));
    }

    @Test
    void headerThatIsNotUtf8() {
        byte[] header = "{\"w\u00ff\":1}".getBytes(StandardCharsets.ISO_8859_1);
        assertRejected("not valid UTF-8", 8 + 3, file(header, header.length, new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`[1, 2]`                                                                   | does not start with '{'",
        "` {}`                                                                      | does not start with '{'",
        "`{\"w\": `                                                                 | not well-formed JSON",
        "`{} x`                                                                     | not well-formed JSON",
        "`{\"a\":{},\"a\":{}}`                                                      | not well-formed JSON",
        "`{\"w\":[]}`                                                               | not described by an object",
        "`{\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}`         | dtype 'F16'",
        "`{\"w\":{\"dtype\":\"X9\",\"shape\":[2],\"data_offsets\":[0,8]}}`          | dtype 'X9'",
        "`{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}`                           | no dtype",
        "`{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}`                       | no shape",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}`        | size -2",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}`       | size 2.0",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}`     | size \"2\"",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967298],\"data_offsets\":[0,8]}}`| size 4294967298",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}`| more than the",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}`           | not an array [begin, end]",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}`       | not an array [begin, end]",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,9]}}`         | data offset 9 outside",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-1,7]}}`        | data offset -1 outside",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}` | outside",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}` | unknown field 'x'",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}`         | needs 12 bytes",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}`         | cover 4 bytes of the 8-byte",
        "`{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}`         | a gap",
        "`{\"__metadata__\":{\"k\":1},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}` | not a string",
        "`{\"__metadata__\":[],\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}` | not an object of strings",
    })
    void malformedHeaderIsRejected(String json, String expectedProblem) {
        SafetensorsFormatException e = rejected(file(json, new byte[8]));
        assertTrue(e.getMessage().contains(expectedProblem), e.getMessage());
        assertTrue(e.offset() >= 8, "the offset points into the header or the data: " + e.offset());
    }

    @Test
    void errorPointsAtTheTensorsEntryInTheHeader() {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"\u00e9t\u00e9\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        int keyByte = json.substring(0, json.indexOf("\"\u00e9")).getBytes(StandardCharsets.UTF_8).length;
        assertRejected("tensor '\u00e9t\u00e9' has dtype 'BF16'", 8 + keyByte, file(json, new byte[12]));
        String after = json.replace("\"a\"", "\"\u00e9\u00e9\u00e9\"");
        int later = after.substring(0, after.indexOf("\"\u00e9t")).getBytes(StandardCharsets.UTF_8).length;
        assertRejected("has dtype 'BF16'", 8 + later, file(after, new byte[12]));
    }

    @Test
    void offsetsThatEndBeforeTheyBegin() {
        assertRejected("end before they begin", 8 + F32_2.length() + 8,
                file(F32_2.replace("[0,8]", "[8,0]"), new byte[8]));
    }

    @Test
    void overlappingTensorsAreRejected() {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        SafetensorsFormatException e = rejected(file(json, new byte[8]));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }

    /** Any change to a valid file's bytes either still loads or is a format error, never another exception. */
    @Test
    void randomCorruptionsLoadOrThrowTheFormatException() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("0.weight", Tensor.randn(new Generator(3), 4, 3));
        tensors.put("0.bias", Tensor.zeros(4));
        tensors.put("step", Tensor.ofInts(new int[] {12}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(out, tensors, Map.of("epoch", "2"));
        byte[] valid = out.toByteArray();

        Random random = new Random(42);
        int loaded = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] bytes = trial % 3 == 0
                    ? Arrays.copyOf(valid, random.nextInt(valid.length + 1))
                    : valid.clone();
            for (int k = 0, changes = 1 + random.nextInt(4); k < changes && bytes.length > 8; k++) {
                // Mostly the header and data; now and then the length field.
                int at = random.nextInt(10) == 0 ? random.nextInt(8) : 8 + random.nextInt(bytes.length - 8);
                bytes[at] = (byte) random.nextInt(256);
            }
            try {
                Safetensors.parse(bytes, "fuzz");
                loaded++;
            } catch (SafetensorsFormatException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz: "), expected.getMessage());
            }
        }
        assertTrue(loaded > 0 && loaded < 3000, "both outcomes occur: " + loaded + " of 3000 loaded");
    }
}
