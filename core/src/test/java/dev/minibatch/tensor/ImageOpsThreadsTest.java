package dev.minibatch.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Convolution, max pooling, batch norm and a classifier's products share their work among the kernels' threads:
 * their outputs and every gradient are the same, bit for bit, with one, two or three threads.
 */
class ImageOpsThreadsTest {
    private final int threadsBefore = Minibatch.getNumThreads();

    @AfterEach
    void restoreThreads() {
        Minibatch.setNumThreads(threadsBefore);
    }

    /**
     * A conv (grouped, then Winograd's, then plain and strided), batch norm, ReLU and max pooling step: output and
     * gradients.
     */
    private static List<float[]> step(int threads) {
        Minibatch.setNumThreads(threads);
        Generator gen = new Generator(11);
        Tensor x = Tensor.randn(gen, 19, 4, 13, 11).requiresGrad(true);
        Tensor w1 = Tensor.randn(gen, 8, 2, 3, 3).requiresGrad(true);
        Tensor b1 = Tensor.randn(gen, 8).requiresGrad(true);
        Tensor w3 = Tensor.randn(gen, 8, 8, 5, 3).requiresGrad(true);
        Tensor w2 = Tensor.randn(gen, 5, 8, 3, 2).requiresGrad(true);
        Tensor gamma = Tensor.randn(gen, 5).requiresGrad(true);
        Tensor beta = Tensor.randn(gen, 5).requiresGrad(true);
        Tensor runningMean = Tensor.zeros(5);
        Tensor runningVar = Tensor.ones(5);
        Tensor h = Tensor.conv2d(x, w1, b1, new int[] {1}, new int[] {1}, new int[] {1}, 2);
        h = Tensor.conv2d(h, w3, null, new int[] {1}, new int[] {2, 1}, new int[] {1}, 1);
        h = Tensor.conv2d(h, w2, null, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 1);
        h = BatchNorm.batchNorm(h, runningMean, runningVar, gamma, beta, true, 0.1, 1e-5).relu();
        Tensor y = Tensor.maxPool2d(h, new int[] {2}, new int[] {2}, new int[] {0}, new int[] {1}, false);
        y.mul(Tensor.randn(gen, y.shape())).sum().backward();
        List<float[]> out = new ArrayList<>(List.of(y.toFloatArray(), runningMean.toFloatArray(),
                runningVar.toFloatArray()));
        for (Tensor t : new Tensor[] {x, w1, b1, w3, w2, gamma, beta}) {
            out.add(t.grad().toFloatArray());
        }
        return out;
    }

    /**
     * A convolution with its ReLU and 2x2 pooling fused (Winograd's, even planes read by pairs of rows), then a
     * classifier whose products are big enough to run one per thread: output and gradients.
     */
    private static List<float[]> classifierStep(int threads) {
        Minibatch.setNumThreads(threads);
        Generator gen = new Generator(12);
        Tensor x = Tensor.randn(gen, 64, 8, 14, 14).requiresGrad(true);
        Tensor w = Tensor.randn(gen, 16, 8, 5, 5).mul(0.1f).requiresGrad(true);
        Tensor b = Tensor.randn(gen, 16).requiresGrad(true);
        Tensor fc = Tensor.randn(gen, 10, 784).mul(0.05f).requiresGrad(true);
        Tensor fcBias = Tensor.randn(gen, 10).requiresGrad(true);
        int[] one = {1, 1};
        Tensor h = Fused.conv2dReluMaxPool2x2(x, w, b, one, new int[] {2, 2}, one, 1).reshape(64, 784);
        Tensor y = Tensor.linear(h, fc, fcBias);
        y.mul(Tensor.randn(gen, y.shape())).sum().backward();
        List<float[]> out = new ArrayList<>(List.of(y.toFloatArray()));
        for (Tensor t : new Tensor[] {x, w, b, fc, fcBias}) {
            out.add(t.grad().toFloatArray());
        }
        return out;
    }

    @Test
    void aClassifierAfterAFusedPoolingDoesNotDependOnTheThreadCount() {
        assertSameWithOneTwoAndThreeThreads(ImageOpsThreadsTest::classifierStep);
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        assertSameWithOneTwoAndThreeThreads(ImageOpsThreadsTest::step);
    }

    private static void assertSameWithOneTwoAndThreeThreads(IntFunction<List<float[]>> run) {
        List<float[]> one = run.apply(1);
        for (int threads = 2; threads <= 3; threads++) {
            List<float[]> many = run.apply(threads);
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(one.get(i), many.get(i), "result " + i + " with " + threads + " threads");
            }
        }
    }
}
