package dev.minibatch.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.GradCheck;
import dev.minibatch.nn.Functional;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.minibatch.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused ops give PyTorch's values and the same values and gradients as the ops they replace. */
class FusedTest {

    @Test
    void crossEntropyAndItsGradientMatchTorchOnExtremeLogits() {
        JsonNode f = Fixtures.torch().get("functional");
        Tensor x = Fixtures.tensor(f.get("logits")).requiresGrad(true);
        Tensor loss = Fused.crossEntropy(x, Fixtures.ints(f.get("target")));
        double expected = f.get("cross_entropy").asDouble();
        assertEquals(expected, loss.item(), 1e-5 * expected);
        loss.backward();
        assertClose(Fixtures.tensor(f.get("cross_entropy_grad")), x.grad(), 1e-5, 1e-6, "cross_entropy_grad");
    }

    @Test
    void crossEntropyAgreesWithFunctionalUnderAnUpstreamGradient() {
        Generator g = new Generator(3);
        Tensor logits = Tensor.randn(g, 50, 10).mul(4f);
        Tensor target = Tensor.randint(g, 0, 10, 50);
        Tensor a = Tensor.of(logits.toFloatArray(), 50, 10).requiresGrad(true);
        Tensor b = Tensor.of(logits.toFloatArray(), 50, 10).requiresGrad(true);
        Tensor fused = Fused.crossEntropy(a, target);
        Tensor reference = Functional.crossEntropy(b, target);
        assertEquals(reference.item(), fused.item(), 1e-6 * Math.abs(reference.item()));
        fused.mul(3f).backward();
        reference.mul(3f).backward();
        assertClose(b.grad(), a.grad(), 1e-5, 1e-7, "gradient scaled by 3");
    }

    @Test
    void crossEntropyRecordsNothingWithoutGrad() {
        Tensor logits = Tensor.randn(new Generator(1), 4, 3).requiresGrad(true);
        try (var off = Autograd.noGrad()) {
            Tensor loss = Fused.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1, 2, 0}));
            assertFalse(loss.requiresGrad());
        }
        assertNull(logits.grad());
    }

    @Test
    void crossEntropyRefusesBadTargetsNamingTheValue() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Fused.crossEntropy(logits, Tensor.ofInts(new int[] {0, 3})));
        assertTrue(e.getMessage().contains("target 3 at position 1 is out of bounds for 3 classes"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> Fused.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1, 2})));
        assertTrue(e2.getMessage().contains("target of shape [3] does not match input of shape [2, 3]"),
                e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Fused.crossEntropy(logits, Tensor.zeros(2)));
        assertTrue(e3.getMessage().contains("int32"), e3.getMessage());
    }

    @Test
    void linearReluGivesTheSameBitsAsLinearThenRelu() {
        Generator g = new Generator(5);
        Tensor xv = Tensor.randn(g, 50, 784);
        Tensor wv = Tensor.randn(g, 50, 784).mul(0.05f);
        Tensor bv = Tensor.randn(g, 50);
        for (boolean withBias : new boolean[] {true, false}) {
            Tensor[] fused = leaves(xv, wv, bv);
            Tensor[] composed = leaves(xv, wv, bv);
            Tensor y1 = Fused.linearRelu(fused[0], fused[1], withBias ? fused[2] : null);
            Tensor y2 = Tensor.linear(composed[0], composed[1], withBias ? composed[2] : null).relu();
            assertArrayEquals(y2.toFloatArray(), y1.toFloatArray(), "values, bias " + withBias);
            Tensor upstream = Tensor.randn(g, 50, 50);
            y1.backward(upstream);
            y2.backward(upstream);
            assertSameGradients(composed, fused, withBias ? 3 : 2, ", bias " + withBias);
        }
    }

    @Test
    void conv2dReluGivesTheSameBitsAsConv2dThenRelu() {
        Generator g = new Generator(6);
        Tensor xv = Tensor.randn(g, 3, 4, 9, 8);
        // A NaN in the input: it stays NaN through both, and its gradient is the same.
        float[] withNaN = xv.toFloatArray();
        withNaN[17] = Float.NaN;
        xv = Tensor.of(withNaN, xv.shape());
        Tensor wv = Tensor.randn(g, 6, 4, 3, 3);
        Tensor bv = Tensor.randn(g, 6);
        for (int stride : new int[] {1, 2}) {
            for (boolean withBias : new boolean[] {true, false}) {
                Tensor[] fused = leaves(xv, wv, bv);
                Tensor[] composed = leaves(xv, wv, bv);
                int[] s = {stride};
                int[] p = {1};
                int[] d = {1};
                Tensor y1 = Fused.conv2dRelu(fused[0], fused[1], withBias ? fused[2] : null, s, p, d, 1);
                Tensor y2 = Tensor.conv2d(composed[0], composed[1], withBias ? composed[2] : null, s, p, d, 1).relu();
                String what = "stride " + stride + ", bias " + withBias;
                assertArrayEquals(y2.toFloatArray(), y1.toFloatArray(), "values, " + what);
                Tensor upstream = Tensor.randn(g, y1.shape());
                y1.backward(upstream);
                y2.backward(upstream);
                assertSameGradients(composed, fused, withBias ? 3 : 2, ", " + what);
            }
        }
    }

    @Test
    void conv2dReluMaxPool2x2GivesTheSameBitsAsTheThreeOps() {
        Generator g = new Generator(8);
        // Odd output sizes (the last row or column is in no window) and even ones (every element in a window:
        // nothing zeroed before the windows write), groups, a NaN in the input, windows whose ReLU outputs are
        // all zero (the input shifted down), and upstream gradients with -0 and a NaN.
        for (int[] size : new int[][] {{9, 8}, {8, 6}}) {
            Tensor xv = Tensor.randn(g, 3, 4, size[0], size[1]).sub(0.7f);
            float[] withNaN = xv.toFloatArray();
            withNaN[17] = Float.NaN;
            xv = Tensor.of(withNaN, xv.shape());
            Tensor bv = Tensor.randn(g, 6);
            for (int groups : new int[] {1, 2}) {
                Tensor wv = Tensor.randn(g, 6, 4 / groups, 3, 3);
                for (int stride : new int[] {1, 2}) {
                    for (boolean withBias : new boolean[] {true, false}) {
                        String what = size[0] + "x" + size[1] + ", groups " + groups + ", stride " + stride
                                + ", bias " + withBias;
                        assertFusedIsComposed(g, xv, wv, bv, withBias, stride, groups, what);
                    }
                }
            }
        }
    }

    private static void assertFusedIsComposed(Generator g, Tensor xv, Tensor wv, Tensor bv, boolean withBias,
                                              int stride, int groups, String what) {
        Tensor[] fused = leaves(xv, wv, bv);
        Tensor[] composed = leaves(xv, wv, bv);
        if (!withBias) {
            fused[2] = null;
            composed[2] = null;
        }
        Tensor y1 = fusedPool(fused, stride, groups);
        Tensor y2 = composedPool(composed, stride, groups);
        assertArrayEquals(y2.shape(), y1.shape(), "shape, " + what);
        assertArrayEquals(y2.toFloatArray(), y1.toFloatArray(), "values, " + what);
        float[] up = Tensor.randn(g, y1.shape()).toFloatArray();
        up[0] = -0f;
        up[up.length - 1] = Float.NaN;
        Tensor upstream = Tensor.of(up, y1.shape());
        y1.backward(upstream);
        y2.backward(upstream);
        // A second pass adds to the first's gradients.
        fusedPool(fused, stride, groups).backward(upstream);
        composedPool(composed, stride, groups).backward(upstream);
        assertSameGradients(composed, fused, withBias ? 3 : 2, ", " + what);
    }

    @Test
    void thePoolingIndicesAreGivenBackAfterTheBackwardAndWithoutAGraph() {
        // A new array is all zeros; the one given back holds the windows' maxima, at least one past index 0.
        Generator g = new Generator(11);
        Tensor w = Tensor.randn(g, 4, 2, 3, 3).requiresGrad(true);
        int windows = 2 * 4 * 3 * 3;
        fusedPool(new Tensor[] {Tensor.randn(g, 2, 2, 6, 6), w, null}, 1, 1).backward(Tensor.randn(g, 2, 4, 3, 3));
        assertTrue(Arrays.stream(GradBuffers.takeInts(windows)).anyMatch(i -> i > 0), "given back after the backward");
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            fusedPool(new Tensor[] {Tensor.randn(g, 2, 2, 6, 6), w, null}, 1, 1);
        }
        assertTrue(Arrays.stream(GradBuffers.takeInts(windows)).anyMatch(i -> i > 0), "given back at once, no graph");
    }

    @Test
    void graphsAliveAtOnceKeepTheirOwnPoolingIndices() {
        // The fused pooling's argmax is given back after its backward and taken by the next forward: a graph
        // still waiting for its backward must keep its own.
        Generator g = new Generator(10);
        Tensor w = Tensor.randn(g, 4, 2, 3, 3);
        Tensor[] xs = {Tensor.randn(g, 2, 2, 6, 6), Tensor.randn(g, 2, 2, 6, 6), Tensor.randn(g, 2, 2, 6, 6)};
        Tensor up = Tensor.randn(g, 2, 4, 3, 3);
        float[][] alone = new float[3][];
        for (int i = 0; i < 3; i++) {
            Tensor x = xs[i].detach().requiresGrad(true);
            fusedPool(new Tensor[] {x, w, null}, 1, 1).backward(up);
            alone[i] = x.grad().toFloatArray();
        }
        Tensor[] x = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            x[i] = xs[i].detach().requiresGrad(true);
        }
        Tensor y0 = fusedPool(new Tensor[] {x[0], w, null}, 1, 1);
        Tensor y1 = fusedPool(new Tensor[] {x[1], w, null}, 1, 1);
        y0.backward(up);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            fusedPool(new Tensor[] {x[2], w, null}, 1, 1);
        }
        Tensor y2 = fusedPool(new Tensor[] {x[2], w, null}, 1, 1);
        y1.backward(up);
        y2.backward(up);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(alone[i], x[i].grad().toFloatArray(), "input " + i);
        }
    }

    private static Tensor fusedPool(Tensor[] xwb, int stride, int groups) {
        int[] one = {1};
        return Fused.conv2dReluMaxPool2x2(xwb[0], xwb[1], xwb[2], new int[] {stride}, one, one, groups);
    }

    private static Tensor composedPool(Tensor[] xwb, int stride, int groups) {
        int[] one = {1};
        int[] two = {2};
        Tensor y = Tensor.conv2d(xwb[0], xwb[1], xwb[2], new int[] {stride}, one, one, groups).relu();
        return Tensor.maxPool2d(y, two, two, new int[] {0}, one, false);
    }

    @Test
    void conv2dReluMaxPool2x2GradientsMatchFiniteDifferences() {
        Generator g = new Generator(9);
        int[] one = {1};
        GradCheck.check("conv2dReluMaxPool2x2", t -> Fused.conv2dReluMaxPool2x2(t[0], t[1], t[2], one, one, one, 1),
                Tensor.randn(g, 2, 3, 5, 6), Tensor.randn(g, 4, 3, 3, 3), Tensor.randn(g, 4));
        GradCheck.check("conv2dReluMaxPool2x2, stride 2, groups 2, no bias",
                t -> Fused.conv2dReluMaxPool2x2(t[0], t[1], null, new int[] {2}, one, one, 2),
                Tensor.randn(g, 1, 4, 9, 8), Tensor.randn(g, 6, 2, 3, 3));
    }

    @Test
    void conv2dReluMaxPool2x2IsNullWhereTheOutputIsSmallerThanTwoByTwo() {
        Tensor x = Tensor.zeros(1, 1, 3, 5);
        Tensor w = Tensor.zeros(2, 1, 3, 3);
        int[] one = {1};
        assertNull(Fused.conv2dReluMaxPool2x2(x, w, null, one, new int[] {0}, one, 1), "a 1x3 output");
        assertArrayEquals(new int[] {1, 2, 1, 2},
                Fused.conv2dReluMaxPool2x2(x, w, null, one, one, one, 1).shape(), "a 3x5 output, padded");
    }

    @Test
    void theLessonsMlpWithFusedOpsMatchesTorch() {
        JsonNode m = Fixtures.torch().get("mlp");
        JsonNode init = m.get("init");
        Tensor w0 = Fixtures.tensor(init.get("0.weight")).requiresGrad(true);
        Tensor b0 = Fixtures.tensor(init.get("0.bias")).requiresGrad(true);
        Tensor w2 = Fixtures.tensor(init.get("2.weight")).requiresGrad(true);
        Tensor b2 = Fixtures.tensor(init.get("2.bias")).requiresGrad(true);
        Tensor out = Tensor.linear(Fused.linearRelu(Fixtures.tensor(m.get("x")), w0, b0), w2, b2);
        assertClose(Fixtures.tensor(m.get("logits")), out, 1e-5, 1e-5, "mlp logits");
        Tensor loss = Fused.crossEntropy(out, Fixtures.ints(m.get("target")));
        assertEquals(m.get("loss").asDouble(), loss.item(), 1e-5 * m.get("loss").asDouble());
        loss.backward();
        JsonNode grads = m.get("grads");
        assertClose(Fixtures.tensor(grads.get("0.weight")), w0.grad(), 1e-5, 1e-6, "grad 0.weight");
        assertClose(Fixtures.tensor(grads.get("0.bias")), b0.grad(), 1e-5, 1e-6, "grad 0.bias");
        assertClose(Fixtures.tensor(grads.get("2.weight")), w2.grad(), 1e-5, 1e-6, "grad 2.weight");
        assertClose(Fixtures.tensor(grads.get("2.bias")), b2.grad(), 1e-5, 1e-6, "grad 2.bias");
    }

    private static Tensor[] leaves(Tensor... values) {
        Tensor[] out = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Tensor.of(values[i].toFloatArray(), values[i].shape()).requiresGrad(true);
        }
        return out;
    }

    /** The first {@code count} inputs' gradients, bit for bit. */
    private static void assertSameGradients(Tensor[] expected, Tensor[] actual, int count, String what) {
        for (int i = 0; i < count; i++) {
            assertArrayEquals(expected[i].grad().toFloatArray(), actual[i].grad().toFloatArray(),
                    "gradient of input " + i + what);
        }
    }
}
