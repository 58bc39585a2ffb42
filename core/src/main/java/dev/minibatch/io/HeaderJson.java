package dev.minibatch.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a safetensors header into its top-level fields, remembering where each starts in the file so
 * that an error about one tensor can point at it. Duplicate keys and trailing tokens are rejected, as
 * the specification asks.
 */
final class HeaderJson {
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    /** One top-level field of the header and the file offset of its key. */
    record Field(String name, JsonNode value, long offset) {
    }

    private final SafetensorsSource in;
    private final String text;
    private final long start;
    private int cursorChar;
    private long cursorByte;

    private HeaderJson(SafetensorsSource in, String text, long start) {
        this.in = in;
        this.text = text;
        this.start = start;
    }

    /** The fields of {@code text}, a header that begins at byte {@code start} of the file. */
    static List<Field> fields(SafetensorsSource in, String text, long start) throws IOException {
        return new HeaderJson(in, text, start).parse();
    }

    private List<Field> parse() throws IOException {
        // The parser reads the decoded text, not the bytes: given bytes, Jackson would guess UTF-16 or
        // UTF-32 from zero bytes, while the format is UTF-8 only.
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw in.error(start, "the header is not a JSON object");
            }
            List<Field> fields = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                long offset = fileOffset(parser.currentTokenLocation());
                parser.nextToken();
                fields.add(new Field(name, parser.readValueAsTree(), offset));
            }
            if (parser.nextToken() != null) {
                throw in.error(fileOffset(parser.currentTokenLocation()), "the header has content after its object");
            }
            return fields;
        } catch (JacksonException e) {
            throw in.error(fileOffset(e.getLocation()), "the header is not well-formed JSON: " + e.getOriginalMessage());
        }
    }

    /** The file offset of a parser location; locations move forward, so the UTF-8 lengths are summed once. */
    private long fileOffset(JsonLocation at) {
        if (at == null || at.getCharOffset() < 0) {
            return start;
        }
        int target = (int) Math.min(at.getCharOffset(), text.length());
        if (target < cursorChar) {
            cursorChar = 0;
            cursorByte = 0;
        }
        for (; cursorChar < target; cursorChar++) {
            char c = text.charAt(cursorChar);
            // A surrogate pair is 4 bytes in UTF-8: 2 for each half.
            cursorByte += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return start + cursorByte;
    }
}
