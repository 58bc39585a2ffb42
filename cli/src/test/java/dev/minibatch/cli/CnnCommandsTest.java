package dev.minibatch.cli;

import dev.minibatch.Fixtures;
import dev.minibatch.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --model cnn} on 2,000 images, then evaluate, predict, show and lr-find on the CNN it saves. */
class CnnCommandsTest {
    @TempDir
    static Path dir;
    static CliRun trained;
    static Path model;

    @BeforeAll
    static void trainOneEpochOnASubset() {
        trained = TrainCommandTest.train(dir, "--model", "cnn", "--train-subset", "2000", "--epochs", "1", "--bs", "32",
                "--shift", "2", "--schedule", "onecycle", "--lr", "0.1", "--momentum", "0.9");
        assertEquals(0, trained.status(), trained.err());
        model = dir.resolve("model.safetensors");
    }

    /** MNIST's folder; asked for in each test, so that without ../shared the class is skipped, not failed. */
    private static String data() {
        return Fixtures.mnistDir().toString();
    }

    @Test
    void trainPrintsTheNetworkAndLearns() {
        assertTrue(trained.out().startsWith("Sequential(\n  (0): Unflatten(dim=1, unflattened_size=(1, 28, 28))\n"
                + "  (1): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n"
                + "  (2): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"),
                trained.out());
        assertTrue(TrainCommandTest.lastAccuracy(trained.out()) > 0.85f, trained.out());
    }

    @Test
    void theModelFileNamesItsArchitectureAndHoldsPyTorchsKeys() throws IOException {
        Safetensors.Contents c = Safetensors.load(model);
        assertEquals("cnn", c.metadata().get("model"));
        Map<String, ?> t = c.tensors();
        for (String key : new String[] {"1.weight", "2.running_mean", "2.running_var", "2.num_batches_tracked",
                "5.weight", "10.weight", "11.running_var", "13.weight", "13.bias"}) {
            assertTrue(t.containsKey(key), key + " missing from " + t.keySet());
        }
    }

    @Test
    void evaluateRebuildsTheCnn() {
        CliRun run = CliRun.of("evaluate", "--data", data(), "--model", model.toString());
        assertEquals(0, run.status(), run.err());
        Matcher m = Pattern.compile("accuracy (\\d\\.\\d+)").matcher(run.out());
        assertTrue(m.find() && Float.parseFloat(m.group(1)) > 0.85f, run.out());
    }

    @Test
    void predictRebuildsTheCnn() throws IOException {
        Path png = dir.resolve("digit.png");
        int label = ModelCommandsTest.writeFirstTestDigit(png);
        CliRun run = CliRun.of("predict", "--model", model.toString(), png.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith(png + ": " + label + " (probability "), run.out());
    }

    @Test
    void showDrawsTheCnnsPredictions() throws IOException {
        Path png = dir.resolve("grid.png");
        CliRun run = CliRun.of("show", "--data", data(), "--split", "test", "--count", "4", "--model", model.toString(),
                "--out", png.toString());
        assertEquals(0, run.status(), run.err());
        assertNotNull(ImageIO.read(png.toFile()));
    }

    @Test
    void lrFindSweepsTheCnn() {
        Path png = dir.resolve("lr.png");
        CliRun run = CliRun.of("lr-find", "--data", data(), "--model", "cnn", "--train-subset", "2000", "--bs", "32",
                "--momentum", "0.9", "--num-it", "20", "--out", png.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(1): Conv2d(1, 32") && run.out().contains("swept 20 batches"), run.out());
    }

    @Test
    void badModelNamesAndShiftsAreRefused() {
        CliRun run = CliRun.of("train", "--model", "resnet");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("unknown model 'resnet' (expected mlp or cnn)"), run.err());
        assertEquals(2, CliRun.of("train", "--shift", "-1").status());
    }
}
