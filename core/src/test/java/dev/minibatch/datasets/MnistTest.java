package dev.minibatch.datasets;

import dev.minibatch.Fixtures;
import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.DType;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MnistTest {
    private static Splits mnist;

    @BeforeAll
    static void load() throws IOException {
        mnist = Mnist.load(Fixtures.mnistDir(), List.of());
    }

    @Test
    void hasTheLessonsSplitsAndTheOfficialTestSet() {
        assertEquals(50_000, mnist.train().size());
        assertEquals(10_000, mnist.valid().size());
        assertEquals(10_000, mnist.test().size());
        assertEquals(60_000, mnist.trainFull().size());
        assertEquals(10, mnist.numClasses());
        assertArrayEquals(new int[] {50_000, 784}, mnist.train().tensor(0).shape());
        assertArrayEquals(new int[] {10_000, 784}, mnist.test().tensor(0).shape());
        assertEquals(DType.FLOAT32, mnist.train().tensor(0).dtype());
        assertEquals(DType.INT32, mnist.train().tensor(1).dtype());
    }

    @Test
    void firstLabelsAreTheKnownOnes() {
        int[] first = Arrays.copyOf(mnist.train().tensor(1).toIntArray(), 10);
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, first);
    }

    @Test
    void pixelsAreInTheUnitIntervalWithTheKnownMean() {
        TensorDataset full = mnist.trainFull();
        float[] x = full.tensor(0).storage();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals(0.1307, Pixels.mean(x), 5e-5, "the mean pixel of the 60,000 training images");
        assertEquals(33.318, Pixels.mean(x) * 255, 1e-3);
    }

    @Test
    void validIsTheEndOfTheTrainingFile() {
        float[] full = mnist.trainFull().tensor(0).storage();
        float[] valid = mnist.valid().tensor(0).storage();
        assertArrayEquals(Arrays.copyOfRange(full, 50_000 * 784, 50_001 * 784), Arrays.copyOf(valid, 784));
    }

    @Test
    void normalizedTrainingImagesHaveZeroMeanAndUnitStd() {
        Splits n = mnist.normalized();
        assertEquals(0, n.trainMean(), 1e-4);
        assertEquals(1, n.trainStd(), 1e-4);
        float mean = mnist.trainMean();
        float std = mnist.trainStd();
        assertEquals((mnist.valid().tensor(0).storage()[300] - mean) / std, n.valid().tensor(0).storage()[300]);
        assertSame(mnist.test().tensor(1), n.test().tensor(1), "labels are untouched");
    }

    @Test
    void asImagesGivesChannelsHeightWidthSharingThePixels() {
        Splits images = mnist.asImages();
        assertArrayEquals(new int[] {50_000, 1, 28, 28}, images.train().tensor(0).shape());
        assertSame(mnist.train().tensor(0).storage(), images.train().tensor(0).storage());
        assertArrayEquals(new int[] {1, 28, 28}, images.train().get(0).x().shape());
    }

    @Test
    void aShufflingLoaderDeliversEveryTrainingImageOncePerEpoch() {
        DataLoader<Batch> loader = DataLoader.builder(mnist.train()).batchSize(50).shuffle(true).seed(0)
                .numWorkers(2).build();
        assertEquals(1000, loader.size());
        long labelSum = Arrays.stream(mnist.train().tensor(1).toIntArray()).sum();
        int batches = 0;
        long sum = 0;
        for (Batch b : loader) {
            assertArrayEquals(new int[] {50, 784}, b.x().shape());
            sum += Arrays.stream(b.y().toIntArray()).sum();
            batches++;
        }
        assertEquals(1000, batches);
        assertEquals(labelSum, sum);
    }

    @Test
    void loadWithoutAFolderFindsMinibatchData() throws IOException {
        assumeTrue(System.getenv("MINIBATCH_DATA") != null, "the build sets MINIBATCH_DATA");
        Splits found = Mnist.load(null, List.of());
        assertEquals(50_000, found.train().size());
        Tensor y = found.test().tensor(1);
        assertEquals(7, y.toIntArray()[0], "the first test digit is a 7");
    }

    @Test
    void runsTheCallersTaskWhileTheTrainingImagesDecompressAndNotAfter() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean loaded = new AtomicBoolean();
        Splits s = Mnist.load(Fixtures.mnistDir(), List.of(), () -> {
            assertFalse(loaded.get(), "no run after the load returned");
            runs.incrementAndGet();
            LockSupport.parkNanos(1_000_000);
        });
        loaded.set(true);
        assertTrue(runs.get() >= 1, "47 MB inflate for longer than the other three files are read");
        assertArrayEquals(mnist.train().tensor(0).storage(), s.train().tensor(0).storage());
        assertArrayEquals(mnist.test().tensor(1).toIntArray(), s.test().tensor(1).toIntArray());
    }

    @Test
    void aFailingTaskFailsTheLoadWithItsOwnException() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Mnist.load(Fixtures.mnistDir(), List.of(), () -> {
                    throw new IllegalStateException("the caller's task failed");
                }));
        assertEquals("the caller's task failed", thrown.getMessage());
    }

    @Test
    void publishesTheChecksumsOfTheSharedReadme() {
        assertEquals(List.of("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
                Mnist.FILES.stream().map(RemoteFile::md5).toList());
        assertTrue(Mnist.MIRRORS.stream().allMatch(u -> u.getScheme().equals("https")));
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), FashionMnist.SPEC.systemDirs().get(0));
    }
}
