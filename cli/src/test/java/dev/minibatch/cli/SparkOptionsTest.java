package dev.minibatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --spark} without Spark's jars on the class path, as in this module's tests (the spark module trains). */
class SparkOptionsTest {
    @Test
    void withoutSparksJarsTheRunFailsInOneLineSayingHowToStartIt(@TempDir Path dir) {
        CliRun run = CliRun.of("train", "--spark", "local[2]", "--out", dir.toString());
        assertEquals(Main.FAILED, run.status(), run.err());
        assertTrue(run.err().startsWith("minibatch train: --spark needs Spark's jars on the class path: start it with "
                + "./minibatch"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aClusterMasterNeedsTheNumberOfRanks(@TempDir Path dir) {
        CliRun run = CliRun.of("train", "--spark", "yarn", "--out", dir.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--ranks N is required with --spark yarn"), run.err());
    }

    @Test
    void schedulesAreRefusedOnSparkForNow(@TempDir Path dir) {
        CliRun run = CliRun.of("train", "--spark", "local[2]", "--schedule", "cosine", "--out", dir.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--spark trains with a constant rate"), run.err());
    }
}
