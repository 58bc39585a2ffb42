package dev.minibatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogCallbackTest {
    @TempDir
    Path dir;

    private static EpochResult epoch(int e) {
        return new EpochResult(e, 1.0 / e, 0.5 + 0.25 / e, 0.9 + 0.01 * e, 2.5 * e);
    }

    @Test
    void csvHasAHeaderAndALinePerEpochWrittenWhenTheEpochEnds() throws IOException {
        Path csv = dir.resolve("metrics.csv");
        MetricsLogCallback log = new MetricsLogCallback(csv);
        log.onFitStart(History.empty(), 2);
        assertEquals(List.of("epoch,train_loss,valid_loss,valid_acc,seconds"), Files.readAllLines(csv));
        log.onEpochEnd(epoch(1));
        assertEquals(List.of("epoch,train_loss,valid_loss,valid_acc,seconds", "1,1.0,0.75,0.91,2.5"),
                Files.readAllLines(csv));
        log.onEpochEnd(new EpochResult(2, 0.123456789, Double.NaN, 0.5, 60));
        assertEquals("2,0.12345679,NaN,0.5,60.0", Files.readAllLines(csv).get(2));
    }

    @Test
    void jsonLinesHoldTheSameFieldsWithNullForNaN() throws IOException {
        Path jsonl = dir.resolve("metrics.jsonl");
        MetricsLogCallback log = new MetricsLogCallback(jsonl);
        log.onFitStart(History.empty(), 2);
        log.onEpochEnd(epoch(1));
        log.onEpochEnd(new EpochResult(2, 0.25, Double.POSITIVE_INFINITY, 0.5, 1));
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(2, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertEquals(List.of("epoch", "train_loss", "valid_loss", "valid_acc", "seconds"),
                fieldNames(first));
        assertEquals(1, first.get("epoch").intValue());
        assertEquals(0.91f, first.get("valid_acc").floatValue());
        assertTrue(json.readTree(lines.get(1)).get("valid_loss").isNull());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A run killed after logging epoch 3 but before checkpointing it resumes from epoch 2: epoch 3 is logged once. */
    @Test
    void resumedRunLogsEveryEpochExactlyOnce() throws IOException {
        Path csv = dir.resolve("metrics.csv");
        MetricsLogCallback first = new MetricsLogCallback(csv);
        first.onFitStart(History.empty(), 4);
        for (int e = 1; e <= 3; e++) {
            first.onEpochEnd(epoch(e));
        }
        MetricsLogCallback resumed = new MetricsLogCallback(csv);
        resumed.onFitStart(History.of(List.of(epoch(1), epoch(2))), 4);
        resumed.onEpochEnd(epoch(3));
        resumed.onEpochEnd(epoch(4));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size());
        for (int e = 1; e <= 4; e++) {
            assertTrue(lines.get(e).startsWith(e + ","), lines.toString());
        }
    }

    @Test
    void fileNameMustSayTheFormat() {
        assertThrows(IllegalArgumentException.class, () -> new MetricsLogCallback(dir.resolve("metrics.txt")));
    }
}
