package dev.minibatch.cli;

import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.io.Safetensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code minibatch train} end to end on MNIST from ../shared/data. */
class TrainCommandTest {
    private static final String DATA = Fixtures.mnistDir().toString();

    static CliRun train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", DATA, "--out", out.toString(), "--quiet"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(new String[0]));
    }

    static float lastAccuracy(String stdout) {
        Matcher m = Pattern.compile("  accuracy (\\d\\.\\d+)").matcher(stdout);
        float acc = Float.NaN;
        while (m.find()) {
            acc = Float.parseFloat(m.group(1));
        }
        return acc;
    }

    @Test
    void theDefaultExperimentReachesTheLessonsAccuracy(@TempDir Path dir) throws IOException {
        CliRun run = train(dir);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(0): Linear(in_features=784, out_features=50, bias=True)"), run.out());
        for (int e = 1; e <= 5; e++) {
            assertTrue(run.out().contains("epoch " + e + "/5"), run.out());
        }
        float acc = lastAccuracy(run.out());
        assertTrue(acc >= 0.96f, "validation accuracy " + acc + " after the lesson's 5 epochs\n" + run.out());
        for (String f : List.of("model.safetensors", "metrics.csv", "metrics.jsonl", "loss.png", "accuracy.png",
                "checkpoint/checkpoint.safetensors", "checkpoint/model.safetensors")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " written");
        }
        assertNotNull(ImageIO.read(dir.resolve("loss.png").toFile()));
        assertEquals(6, Files.readAllLines(dir.resolve("metrics.csv")).size(), "a header and one row per epoch");
    }

    @Test
    void theSameSeedGivesTheSameModelAndResumingChangesNothing(@TempDir Path dir) throws IOException {
        Path straight = dir.resolve("straight");
        Path again = dir.resolve("again");
        Path stopped = dir.resolve("stopped");
        assertEquals(0, train(straight, "--epochs", "2", "--seed", "7").status());
        assertEquals(0, train(again, "--epochs", "2", "--seed", "7", "--workers", "2").status());
        assertEquals(0, train(stopped, "--epochs", "1", "--seed", "7").status());
        CliRun resumed = train(stopped, "--epochs", "2", "--seed", "7", "--resume", stopped.resolve("checkpoint").toString());
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("resuming from") && resumed.out().contains("epoch 2/2"), resumed.out());
        Map<String, Tensor> a = Safetensors.load(straight.resolve("model.safetensors")).tensors();
        Map<String, Tensor> b = Safetensors.load(again.resolve("model.safetensors")).tensors();
        Map<String, Tensor> c = Safetensors.load(stopped.resolve("model.safetensors")).tensors();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), name + ": same seed, other workers");
            assertArrayEquals(a.get(name).toFloatArray(), c.get(name).toFloatArray(), name + ": resumed");
        }
        assertEquals(3, Files.readAllLines(stopped.resolve("metrics.csv")).size(), "each epoch logged once");
    }

    @Test
    void fashionMnistTrainsWithTheSameCommand(@TempDir Path dir) {
        // Debian's dataset-fashion-mnist puts the files here; .ci/run installs it.
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        CliRun run = CliRun.of("train", "--dataset", "fashion-mnist", "--epochs", "1", "--out", dir.toString(), "--quiet");
        assertEquals(0, run.status(), run.err());
        assertTrue(lastAccuracy(run.out()) > 0.7f, "one epoch on Fashion-MNIST\n" + run.out());
    }

    @Test
    void otherOptimizersAndHiddenLayers(@TempDir Path dir) {
        CliRun run = train(dir, "--epochs", "1", "--hidden", "64,32", "--optimizer", "adamw", "--lr", "0.002");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(2): Linear(in_features=64, out_features=32, bias=True)"), run.out());
        assertTrue(lastAccuracy(run.out()) > 0.9f, run.out());
    }

    @Test
    void aDivergingRunStopsWithOneLineAndWritesNoFinalModel(@TempDir Path dir) {
        CliRun run = train(dir, "--epochs", "2", "--lr", "1e12");
        assertEquals(1, run.status(), run.out());
        assertTrue(run.err().startsWith("minibatch train: stopped: ") && run.err().contains("epoch 1"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(dir.resolve("model.safetensors")), "no final model from a diverged run");
    }

    @Test
    void badOptionsGiveOneLineAndStatusTwo(@TempDir Path dir) {
        for (String[] args : new String[][] {{"train", "--epochs", "x"}, {"train", "--optimizer", "rmsprop"},
                {"train", "--hidden", "0"}, {"train", "--nope"}, {"frobnicate"}}) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status(), String.join(" ", args));
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().contains("--help"), run.err());
        }
    }

    @Test
    void failuresGiveOneLineAndStatusOne(@TempDir Path dir) throws IOException {
        CliRun missing = CliRun.of("train", "--data", dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("minibatch train: ") && missing.err().contains("nowhere"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliRun unwritable = CliRun.of("train", "--data", DATA, "--out", file.resolve("sub").toString());
        assertEquals(1, unwritable.status());
        assertTrue(unwritable.err().contains("cannot write to " + file.resolve("sub")), unwritable.err());
    }
}
