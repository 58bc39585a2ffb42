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
    /** MNIST in ../shared; a method, so that without ../shared the test is skipped, not broken. */
    static String data() {
        return Fixtures.mnistDir().toString();
    }

    static CliRun train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data(), "--out", out.toString(), "--quiet"));
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

    /** A Fashion-MNIST run resumes, and its model is evaluated, on Fashion-MNIST without being told again. */
    @Test
    void fashionMnistTrainsWithTheSameCommandAndItsFilesRememberIt(@TempDir Path dir) throws IOException {
        // Debian's dataset-fashion-mnist puts the files here; .ci/run installs it.
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        CliRun run = CliRun.of("train", "--dataset", "fashion-mnist", "--epochs", "1", "--out", dir.toString(), "--quiet");
        assertEquals(0, run.status(), run.err());
        assertTrue(lastAccuracy(run.out()) > 0.7f, "one epoch on Fashion-MNIST\n" + run.out());
        CliRun resumed = CliRun.of("train", "--resume", dir.resolve("checkpoint").toString(), "--epochs", "2", "--quiet");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(lastAccuracy(resumed.out()) > 0.8f, "two epochs on Fashion-MNIST\n" + resumed.out());
        Path model = dir.resolve("model.safetensors");
        assertEquals("fashion-mnist", Safetensors.load(model).metadata().get("dataset"));
        CliRun evaluated = CliRun.of("evaluate", "--model", model.toString());
        assertEquals(0, evaluated.status(), evaluated.err());
        assertTrue(evaluated.out().startsWith("fashion-mnist test set: 10000 images"), evaluated.out());
        assertTrue(lastAccuracy(" " + evaluated.out().replace(", accuracy", "  accuracy")) > 0.8f, evaluated.out());
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

    /** Each bad value is named alone, in the user's words: no null, no Java exception, no folder made. */
    @Test
    void badValuesAreNamedOneByOneAndMakeNoFolder(@TempDir Path dir) {
        Map<String, List<String>> cases = Map.of(
                "--batch-size must be >= 1, got 0", List.of("--batch-size", "0"),
                "--lr must be > 0, got -1.0", List.of("--lr", "-1"),
                "--workers must be >= 0, got -2", List.of("--workers", "-2"),
                "Invalid value for option '--dataset': unknown dataset 'cifar10' (expected mnist or fashion-mnist)",
                List.of("--dataset", "cifar10"));
        cases.forEach((message, option) -> {
            Path out = dir.resolve("out");
            List<String> args = new java.util.ArrayList<>(List.of("train", "--out", out.toString()));
            args.addAll(option);
            CliRun run = CliRun.of(args.toArray(new String[0]));
            assertEquals(2, run.status(), option + ": " + run.err());
            assertEquals("minibatch train: " + message + " (see 'minibatch train --help')", run.err().strip());
            assertFalse(Files.exists(out), option + " made " + out);
        });
    }

    /** Ctrl-C or a kill ends the JVM: its last words say how to continue the run. */
    @Test
    void anInterruptedRunSaysHowToResume(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--data", data(), "--out", out.toString(), "--quiet", "--epochs", "50")
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        Path checkpoint = out.resolve("checkpoint").resolve("checkpoint.safetensors");
        while (!Files.exists(checkpoint) && p.isAlive()) {
            Thread.sleep(100);
        }
        assertTrue(p.isAlive(), "the run is still training");
        p.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C's SIGINT
        p.waitFor();
        assertTrue(Files.readString(err).contains("minibatch train: interrupted; continue from the last checkpoint "
                + "with: minibatch train --resume " + out.resolve("checkpoint")), Files.readString(err));
    }

    /**
     * The charts are drawn off screen: a DISPLAY naming no X server (a stale one over ssh, say) made the JVM's
     * graphics environment try to connect to it, and the run failed after training.
     */
    @Test
    void chartsAreDrawnWithADisplayThatCannotBeReached(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--data", data(), "--out", out.toString(), "--quiet", "--epochs", "1",
                "--train-subset", "500")
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        run.environment().put("DISPLAY", "127.0.0.1:99");
        assertEquals(0, run.start().waitFor(), Files.readString(dir.resolve("err.txt")));
        assertTrue(Files.size(out.resolve("loss.png")) > 1000);
    }

    @Test
    void failuresGiveOneLineAndStatusOne(@TempDir Path dir) throws IOException {
        CliRun missing = CliRun.of("train", "--data", dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("minibatch train: ") && missing.err().contains("nowhere"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliRun unwritable = CliRun.of("train", "--data", data(), "--out", file.resolve("sub").toString());
        assertEquals(1, unwritable.status());
        assertTrue(unwritable.err().contains("cannot write to " + file.resolve("sub")), unwritable.err());
    }

    /** A folder that holds another run is refused, so a diverged run never names another's checkpoint. */
    @Test
    void aFolderHoldingAnotherRunIsRefusedUnlessResumedOrOverwritten(@TempDir Path dir) {
        assertEquals(0, train(dir, "--epochs", "1").status());
        CliRun again = train(dir, "--epochs", "1");
        assertEquals(2, again.status(), again.out());
        assertTrue(again.err().contains("already holds a run") && again.err().contains("--resume " + dir.resolve("checkpoint"))
                && again.err().contains("--overwrite"), again.err());
        CliRun diverged = train(dir, "--epochs", "1", "--lr", "1e12", "--overwrite");
        assertEquals(1, diverged.status());
        assertTrue(diverged.err().contains("no checkpoint was written"), diverged.err());
        assertFalse(Files.exists(dir.resolve("checkpoint/checkpoint.safetensors")), "the other run's checkpoint is gone");
        assertEquals(0, train(dir, "--epochs", "1").status(), "the folder is free again");
    }

    /** {@code --resume DIR} alone continues the run as it was started: its model, optimizer and batch size. */
    @Test
    void resumingTakesTheCheckpointsSettingsAndRefusesContradictions(@TempDir Path dir) throws IOException {
        assertEquals(0, train(dir, "--epochs", "1", "--hidden", "20", "--optimizer", "adam", "--batch-size", "100")
                .status());
        String ck = dir.resolve("checkpoint").toString();
        CliRun contradicting = CliRun.of("train", "--data", data(), "--quiet", "--resume", ck, "--epochs", "2",
                "--hidden", "30");
        assertEquals(2, contradicting.status(), contradicting.out());
        assertTrue(contradicting.err().contains("--hidden 30 contradicts the checkpoint " + ck + "'s --hidden 20"),
                contradicting.err());
        CliRun resumed = CliRun.of("train", "--data", data(), "--quiet", "--resume", ck, "--epochs", "2");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("(0): Linear(in_features=784, out_features=20, bias=True)"), resumed.out());
        Map<String, String> meta = Safetensors.load(dir.resolve("model.safetensors")).metadata();
        assertEquals(List.of("mnist", "20", "adam", "100", "0.001"),
                List.of(meta.get("dataset"), meta.get("hidden"), meta.get("optimizer"), meta.get("batch_size"),
                        meta.get("lr")), meta.toString());
        assertEquals(3, Files.readAllLines(dir.resolve("metrics.csv")).size(), "both epochs in the run's own log");
    }

    @Test
    void resumingFromAFolderWithoutACheckpointSaysWhatIsMissing(@TempDir Path dir) {
        CliRun run = CliRun.of("train", "--data", data(), "--resume", dir.resolve("nope").toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--resume " + dir.resolve("nope") + ": no checkpoint there (expected "
                + dir.resolve("nope").resolve("checkpoint.safetensors")), run.err());
    }

    /** {@code --resume DIR} alone continues that run in its own folder. */
    @Test
    void resumingWithoutOutContinuesInTheRunsFolder(@TempDir Path dir) throws IOException {
        assertEquals(0, train(dir, "--epochs", "1").status());
        CliRun resumed = CliRun.of("train", "--data", data(), "--quiet", "--epochs", "2", "--resume",
                dir.resolve("checkpoint").toString());
        assertEquals(0, resumed.status(), resumed.err());
        assertEquals(3, Files.readAllLines(dir.resolve("metrics.csv")).size(), "both epochs in the run's own log");
        assertTrue(resumed.out().contains("model saved to " + dir.toAbsolutePath().normalize()), resumed.out());
    }

    @Test
    void schedulesClippingAndMetricsByName(@TempDir Path dir) throws IOException {
        CliRun run = train(dir, "--epochs", "2", "--schedule", "onecycle", "--lr", "0.1", "--clip-grad-norm", "5",
                "--metrics", "accuracy,top3");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("  top3 0.9"), run.out());
        assertTrue(lastAccuracy(run.out()) > 0.95f, run.out());
        assertEquals("epoch,train_loss,valid_loss,accuracy,top3,seconds",
                Files.readAllLines(dir.resolve("metrics.csv")).get(0));
        assertTrue(Files.isRegularFile(dir.resolve("top3.png")));
        for (String schedule : List.of("step", "cosine")) {
            CliRun other = train(dir.resolve(schedule), "--epochs", "1", "--schedule", schedule);
            assertEquals(0, other.status(), other.err());
        }
    }

    /** The lesson's run overfits from epoch 4 (valid_loss 0.1118, then 0.1227): patience 1 stops it there. */
    @Test
    void earlyStoppingEndsARunNormally(@TempDir Path dir) {
        CliRun run = train(dir, "--epochs", "10", "--early-stop", "1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("epoch 4/10") && !run.out().contains("epoch 5/10"), run.out());
        assertTrue(run.out().contains("early stopping: valid_loss has not improved for 1 epochs (best 0.1118 at epoch 3)"),
                run.out());
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    }

    @Test
    void lrFindPrintsItsSuggestionsAndDrawsThem(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("lr.png");
        CliRun run = CliRun.of("lr-find", "--data", data(), "--out", png.toString(), "--num-it", "60");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().matches("(?s).*swept \\d+ batches from lr 1\\.0e-07.*suggested: valley \\d\\.\\d\\de-\\d\\d, "
                + "steepest descent .*--schedule onecycle --lr .*"), run.out());
        assertNotNull(ImageIO.read(png.toFile()));
        CliRun bad = CliRun.of("lr-find", "--data", data(), "--start-lr", "1", "--end-lr", "0.1");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("startLr 1.0 and endLr 0.1"), bad.err());
    }

    @Test
    void newOptionsAreChecked() {
        for (String[] args : new String[][] {{"train", "--schedule", "cyclic"}, {"train", "--metrics", "f1"},
                {"train", "--epochs", "0"}, {"train", "--clip-grad-norm", "-1"}, {"train", "--early-stop", "0"}}) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status(), String.join(" ", args) + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
        }
    }
}
