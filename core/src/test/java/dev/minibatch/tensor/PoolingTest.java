package dev.minibatch.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Max, average and adaptive pooling against PyTorch's values and finite differences, and their refusals. */
class PoolingTest {
    private final Generator gen = new Generator(11);

    private static int[] one(int v) {
        return new int[] {v};
    }

    private static Tensor maxPool(Tensor x, int kernel, int stride, int padding) {
        return Tensor.maxPool2d(x, one(kernel), one(stride), one(padding), one(1), false);
    }

    private static Tensor avgPool(Tensor x, int kernel, int stride, int padding) {
        return Tensor.avgPool2d(x, one(kernel), one(stride), one(padding));
    }

    /** Distinct values in random order, so that no finite-difference step changes a window's maximum. */
    private Tensor distinct(int... shape) {
        Tensor perm = Tensor.randperm(gen, Tensor.zeros(shape).numel()).toFloat();
        return perm.mul(0.1f).sub(1f).reshape(shape);
    }

    @Test
    void matchPyTorchOutputsAndGradients() {
        JsonNode ref = Fixtures.torchCnn().get("pool");
        checkCase(ref, "max_pool2d_k2s2", "x", x -> maxPool(x, 2, 2, 0));
        checkCase(ref, "max_pool2d_k3s2p1", "x", x -> maxPool(x, 3, 2, 1));
        checkCase(ref, "max_pool2d_x7_k2s2", "x7", x -> maxPool(x, 2, 2, 0));
        checkCase(ref, "avg_pool2d_k2s2", "x", x -> avgPool(x, 2, 2, 0));
        checkCase(ref, "adaptive_avg_pool2d_1", "x", x -> Tensor.adaptiveAvgPool2d(x, 1, 1));
    }

    private static void checkCase(JsonNode ref, String name, String input, UnaryOperator<Tensor> pool) {
        JsonNode c = ref.get(name);
        Tensor x = Fixtures.tensor(ref.get(input)).requiresGrad(true);
        Tensor out = pool.apply(x);
        Fixtures.assertClose(Fixtures.tensor(c.get("out")), out, 1e-5, 1e-5, name + ": out");
        out.mul(Fixtures.tensor(c.get("r"))).sum().backward();
        Fixtures.assertClose(Fixtures.tensor(c.get("grads").get(0)), x.grad(), 1e-5, 1e-5, name + ": dx");
    }

    /** PyTorch's divisor: the window within the padded input, or with count_include_pad=False its input pixels. */
    @Test
    void averagePoolingDividesAsPyTorchDoes() {
        Tensor ones = Tensor.ones(1, 1, 5, 5);
        float c = 4f / 9, e = 6f / 9;
        Fixtures.assertClose(Tensor.of(new float[] {c, e, c, e, 1, e, c, e, c}, 1, 1, 3, 3),
                Tensor.avgPool2d(ones, one(3), one(2), one(1)), 1e-7, 0, "padding counted as zeros");
        Fixtures.assertClose(Tensor.ones(1, 1, 3, 3), Tensor.avgPool2d(ones, one(3), one(2), one(1), false, false),
                1e-7, 0, "padding left out");
        // F.avg_pool2d(arange(1, 10).view(1, 1, 3, 3), 2, ceil_mode=True): the last windows hold 2 and 1 pixels.
        Tensor x = Tensor.arange(1, 10, 1).reshape(1, 1, 3, 3);
        Fixtures.assertClose(Tensor.of(new float[] {3, 4.5f, 7.5f, 9}, 1, 1, 2, 2),
                Tensor.avgPool2d(x, one(2), one(2), one(0), true, true), 1e-7, 0, "ceil mode");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.check("maxPool2d k2", t -> maxPool(t[0], 2, 2, 0), distinct(2, 3, 6, 6));
        GradCheck.check("maxPool2d k3 s2 p1", t -> maxPool(t[0], 3, 2, 1), distinct(2, 2, 7, 7));
        GradCheck.check("maxPool2d overlapping k3 s1", t -> maxPool(t[0], 3, 1, 0), distinct(1, 2, 5, 5));
        GradCheck.check("maxPool2d unbatched", t -> maxPool(t[0], 2, 2, 0), distinct(3, 4, 4));
        GradCheck.check("maxPool2d dilation 2, ceil mode", t -> Tensor.maxPool2d(t[0], one(2), one(2), one(1),
                one(2), true), distinct(1, 2, 6, 7));
        GradCheck.check("avgPool2d k2", t -> avgPool(t[0], 2, 2, 0), Tensor.randn(gen, 2, 3, 6, 6));
        GradCheck.check("avgPool2d k3 s2 p1", t -> avgPool(t[0], 3, 2, 1), Tensor.randn(gen, 2, 2, 7, 7));
        GradCheck.check("avgPool2d k3 s2 p1, ceil mode, padding not counted", t -> Tensor.avgPool2d(t[0], one(3),
                one(2), one(1), true, false), Tensor.randn(gen, 2, 2, 6, 6));
        GradCheck.check("adaptiveAvgPool2d 1", t -> Tensor.adaptiveAvgPool2d(t[0], 1, 1), Tensor.randn(gen, 2, 3, 5, 5));
        GradCheck.check("adaptiveAvgPool2d 3x2 overlapping bins", t -> Tensor.adaptiveAvgPool2d(t[0], 3, 2),
                Tensor.randn(gen, 2, 2, 5, 7));
    }

    @Test
    void maxPoolingDropsTheRowsAndColumnsNoWindowCovers() {
        Tensor x = Tensor.arange(25).reshape(1, 1, 5, 5);
        assertArrayEquals(new float[] {6, 8, 16, 18}, maxPool(x, 2, 2, 0).toFloatArray());
        assertArrayEquals(new float[] {6, 8, 9, 16, 18, 19, 21, 23, 24},
                Tensor.maxPool2d(x, one(2), one(2), one(0), one(1), true).toFloatArray(), "ceil mode keeps them");
    }

    @Test
    void maxPoolingTreatsPaddingAsMinusInfinityAndPropagatesNaN() {
        Tensor x = Tensor.of(new float[] {-5, -6, -7, -8}, 1, 1, 2, 2);
        // The corner windows hold one input value and three of padding: the value wins, though negative.
        assertArrayEquals(new float[] {-5, -5, -6, -5, -5, -6, -7, -7, -8}, maxPool(x, 2, 1, 1).toFloatArray());
        Tensor withNaN = Tensor.of(new float[] {1, Float.NaN, 3, 4}, 1, 1, 2, 2);
        assertTrue(Float.isNaN(maxPool(withNaN, 2, 2, 0).item()));
    }

    @Test
    void averagePoolingCountsThePaddingInTheDivisor() {
        Tensor x = Tensor.ones(1, 1, 2, 2);
        // Each 2x2 window holds one input value and three zeros of padding: 1/4 (count_include_pad=True).
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, avgPool(x, 2, 2, 1).toFloatArray());
    }

    @Test
    void adaptiveBinsOverlapAsPyTorchsDo() {
        Tensor x = Tensor.arange(5).reshape(1, 1, 1, 5);
        // Bins of 5 into 3: [0, 2), [1, 4), [3, 5).
        assertArrayEquals(new float[] {0.5f, 2f, 3.5f}, Tensor.adaptiveAvgPool2d(x, 1, 3).toFloatArray());
    }

    @Test
    void badSettingsAreRefusedWithTheValues() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        var pad = assertThrows(IllegalArgumentException.class, () -> maxPool(x, 2, 2, 2));
        assertEquals("maxPool2d: padding should be at most half of kernel_size, got padding (2, 2) and "
                + "kernel_size (2, 2)", pad.getMessage());
        var big = assertThrows(IllegalArgumentException.class, () -> maxPool(x, 5, 5, 0));
        assertTrue(big.getMessage().contains("larger than the padded input (4 x 4)"), big.getMessage());
        var stride = assertThrows(IllegalArgumentException.class, () -> avgPool(x, 2, 0, 0));
        assertEquals("avgPool2d: stride must be at least 1, got (0, 0)", stride.getMessage());
        var rank = assertThrows(IllegalArgumentException.class, () -> maxPool(Tensor.zeros(50, 784), 2, 2, 0));
        assertTrue(rank.getMessage().contains("got input of shape [50, 784]"), rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.adaptiveAvgPool2d(x, 0, 1));
    }
}
