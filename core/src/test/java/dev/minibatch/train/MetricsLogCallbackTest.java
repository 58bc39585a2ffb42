package dev.minibatch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** Epoch e: train loss 1/e, validation loss 0.5 + 0.25/e, accuracy 0.5; 2 s each. */
    private static Learner run() {
        return ScriptedRun.learner(2, 1, (epoch, training, batch) -> training ? 1f / epoch : 0.5f + 0.25f / epoch);
    }

    @Test
    void csvHasAHeaderAndALinePerEpochWrittenWhenTheEpochEnds() throws IOException {
        Path csv = dir.resolve("metrics.csv");
        List<List<String>> seen = new ArrayList<>();
        Callback reader = new Callback() {
            @Override
            public void afterEpoch(Learner learner) {
                try {
                    seen.add(Files.readAllLines(csv));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        run().addCallbacks(new MetricsLogCallback(csv), reader).fit(2);
        assertEquals(List.of("epoch,train_loss,valid_loss,accuracy,seconds", "1,1.0,0.75,0.5,2.0"), seen.get(0));
        assertEquals("2,0.5,0.625,0.5,2.0", seen.get(1).get(2));
    }

    @Test
    void metricsAreColumnsByNameAndNaNStaysNaN() throws IOException {
        Path csv = dir.resolve("metrics.csv");
        Learner learner = ScriptedRun.learner(1, 1, (epoch, training, batch) -> training ? 0.123456789f : Float.NaN)
                .checkNumerics(false)
                .metrics(Metric.mean("top5", (p, y) -> 0.75), Metric.mean("accuracy", (p, y) -> 0.25));
        learner.addCallbacks(new MetricsLogCallback(csv)).fit(1);
        assertEquals(List.of("epoch,train_loss,valid_loss,top5,accuracy,seconds", "1,0.12345679,NaN,0.75,0.25,2.0"),
                Files.readAllLines(csv));
    }

    @Test
    void jsonLinesHoldTheSameFieldsWithNullForNaN() throws IOException {
        Path jsonl = dir.resolve("metrics.jsonl");
        ScriptedRun.learner(1, 1, (epoch, training, batch) -> training || epoch == 1 ? 0.91f : Float.POSITIVE_INFINITY)
                .checkNumerics(false).addCallbacks(new MetricsLogCallback(jsonl)).fit(2);
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(2, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertEquals(List.of("epoch", "train_loss", "valid_loss", "accuracy", "seconds"), fieldNames(first));
        assertEquals(1, first.get("epoch").intValue());
        assertEquals(0.91f, first.get("valid_loss").floatValue());
        assertEquals(0.5f, first.get("accuracy").floatValue());
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
        Learner first = run().addCallbacks(new MetricsLogCallback(csv));
        History h = first.fit(3);
        Learner resumed = run().resumeFrom(History.of(h.epochs().subList(0, 2)))
                .addCallbacks(new MetricsLogCallback(csv));
        resumed.fit(2);
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
