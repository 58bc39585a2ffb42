package dev.minibatch.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.nn.Functional;
import org.junit.jupiter.api.Test;

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
            for (int i = 0; i < (withBias ? 3 : 2); i++) {
                assertArrayEquals(composed[i].grad().toFloatArray(), fused[i].grad().toFloatArray(),
                        "gradient of input " + i + ", bias " + withBias);
            }
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
                for (int i = 0; i < (withBias ? 3 : 2); i++) {
                    assertArrayEquals(composed[i].grad().toFloatArray(), fused[i].grad().toFloatArray(),
                            "gradient of input " + i + ", " + what);
                }
            }
        }
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
}
