package dev.minibatch.cli;

import dev.minibatch.Fixtures;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.Splits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** evaluate, predict and show, on a model trained once for the class. */
class ModelCommandsTest {
    private static String data() {
        return TrainCommandTest.data();
    }

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void trainOneEpoch() {
        CliRun run = TrainCommandTest.train(dir, "--epochs", "1");
        assertEquals(0, run.status(), run.err());
        model = dir.resolve("model.safetensors");
    }

    @Test
    void evaluatePrintsLossAccuracyAndTheConfusionMatrix() throws IOException {
        CliRun run = CliRun.of("evaluate", "--data", data(), "--model", model.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("mnist test set: 10000 images"), run.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("accuracy (\\d\\.\\d+)").matcher(run.out());
        assertTrue(m.find() && Float.parseFloat(m.group(1)) > 0.9f, run.out());
        long rows = run.out().lines().filter(l -> l.matches("\\s+\\d(\\s+\\d+){10}")).count();
        assertEquals(10, rows, run.out());
        assertNotNull(ImageIO.read(dir.resolve("confusion-test.png").toFile()));
    }

    @Test
    void predictReadsTestDigitsSavedAsPng() throws IOException {
        Path png = dir.resolve("digit.png");
        int label = writeFirstTestDigit(png);
        CliRun run = CliRun.of("predict", "--model", model.toString(), png.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith(png + ": " + label + " (probability "), run.out());
    }

    /** Saves MNIST's first test digit as a grey PNG and returns its label. */
    static int writeFirstTestDigit(Path png) throws IOException {
        Splits mnist = Mnist.load(Fixtures.mnistDir());
        float[] pixels = mnist.test().tensor(0).slice(0, 0, 1).toFloatArray();
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) {
            int v = Math.round(pixels[i] * 255);
            img.setRGB(i % 28, i / 28, v << 16 | v << 8 | v);
        }
        ImageIO.write(img, "png", png.toFile());
        return mnist.test().tensor(1).toIntArray()[0];
    }

    /** Beside the model, not in the working directory; wrong predictions are marked. */
    @Test
    void showDrawsAGridWithPredictionsBesideTheModel() throws IOException {
        CliRun run = CliRun.of("show", "--data", data(), "--split", "valid", "--count", "9", "--model", model.toString());
        assertEquals(0, run.status(), run.err());
        Path png = dir.resolve("show-valid.png");
        assertEquals("drew 9 images of mnist valid (wrong predictions in red) in " + png, run.out().strip());
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() >= 3 * 28 && img.getHeight() >= 3 * 28);
        assertFalse(Files.exists(Path.of("show-valid.png")) || Files.exists(Path.of("show.png")));
    }

    /** Another dataset's images would be read as this model's classes, and its files overwritten. */
    @Test
    void evaluatingOnAnotherDatasetThanTheModelsIsRefused() {
        CliRun run = CliRun.of("evaluate", "--dataset", "fashion-mnist", "--model", model.toString());
        assertEquals(2, run.status(), run.out());
        assertTrue(run.err().contains("--dataset fashion-mnist contradicts the model " + model + "'s --dataset mnist"),
                run.err());
    }

    @Test
    void aMissingModelIsOneLine() {
        CliRun run = CliRun.of("evaluate", "--data", data(), "--model", dir.resolve("none.safetensors").toString());
        assertEquals(1, run.status());
        assertEquals("minibatch evaluate: " + dir.resolve("none.safetensors")
                + ": no such model file (train one with 'minibatch train')", run.err().strip());
    }

    @Test
    void benchTimesTrainingEpochs() throws IOException {
        CliRun run = CliRun.of("bench", "--data", data(), "--epochs", "1", "--models", "lesson");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().matches("(?s)lesson 784-50-10 batch 50, 1 epochs: median train epoch \\d+\\.\\d+ s.*valid_acc 0\\.9\\d+.*"),
                run.out());
        assertTrue(Files.exists(model));
    }
}
