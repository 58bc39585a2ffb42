package dev.minibatch.datasets;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitsTest {
    private static TensorDataset dataset(int n, float first) {
        float[] x = new float[n * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = first + i;
        }
        return new TensorDataset(Tensor.wrap(x, n, 4), Tensor.wrapInts(new int[n], n));
    }

    @Test
    void theTestSplitIsMadeWhenFirstAskedForAndOnlyOnce() {
        AtomicInteger made = new AtomicInteger();
        TensorDataset test = dataset(3, 100);
        Splits s = new Splits("toy", new int[] {1, 2, 2}, 10, dataset(5, 0), dataset(2, 50), 3, () -> {
            made.incrementAndGet();
            return test;
        });
        Splits images = s.asImages();
        Splits normalized = s.normalized();
        assertEquals("toy: 5 train, 2 valid, 3 test", s.toString());
        assertEquals("toy", normalized.name());
        assertArrayEquals(new int[] {1, 2, 2}, images.imageShape());
        assertEquals(5, images.train().size());
        assertEquals(0, made.get(), "neither the views, the statistics nor the description convert the test split");

        assertSame(test, s.test());
        assertSame(test, s.test());
        assertEquals(1, made.get());
        assertArrayEquals(new int[] {3, 1, 2, 2}, images.test().tensor(0).shape());
        assertSame(test.tensor(0).storage(), images.test().tensor(0).storage(), "the view shares the pixels");
        assertEquals(1, made.get(), "the views take the split made once");
    }

    @Test
    void aLazyTestSplitIsNormalisedWithTheTrainingStatistics() {
        TensorDataset test = dataset(3, 100);
        Splits lazy = new Splits("toy", new int[] {1, 2, 2}, 10, dataset(5, 0), dataset(2, 50), 3, () -> test);
        Splits eager = new Splits("toy", new int[] {1, 2, 2}, 10, dataset(5, 0), dataset(2, 50), test);
        float mean = lazy.trainMean();
        float std = lazy.trainStd();
        assertEquals(9.5f, mean, "the mean of the training pixels 0..19");
        assertEquals((float) Math.sqrt(35), std, 1e-6f, "their standard deviation, with Bessel's correction");
        float[] got = lazy.normalized().test().tensor(0).storage();
        assertArrayEquals(eager.normalized().test().tensor(0).storage(), got);
        assertEquals((100 - mean) / std, got[0]);
    }

    @Test
    void theNormalisedSplitsDoNotKeepTheRawImagesAlive() throws InterruptedException {
        TensorDataset test = dataset(3, 100);
        Splits raw = new Splits("toy", new int[] {1, 2, 2}, 10, dataset(1000, 0), dataset(2, 50), 3, () -> test);
        WeakReference<float[]> rawTrain = new WeakReference<>(raw.train().tensor(0).storage());
        float mean = raw.trainMean();
        float std = raw.trainStd();
        Splits normalized = raw.normalized().asImages();
        raw = null;
        for (int i = 0; i < 10 && rawTrain.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(rawTrain.get() == null, "the raw training pixels were collected while the test split waits");
        assertEquals(3, normalized.test().size());
        assertEquals((100 - mean) / std, normalized.test().tensor(0).storage()[0]);
    }
}
