package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activations' values against their closed forms, and their behaviour where a naive formula breaks. */
class ActivationsTest {
    private static final float[] XS = {-6f, -2.5f, -1f, -0.3f, -1e-3f, 0f, 1e-3f, 0.3f, 1f, 2.5f, 6f};

    @Test
    void valuesMatchTheClosedForms() {
        assertMatches("tanh", Tensor::tanh, Math::tanh);
        assertMatches("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)));
        assertMatches("silu", Tensor::silu, x -> x / (1 + Math.exp(-x)));
        assertMatches("leakyRelu", Tensor::leakyRelu, x -> x > 0 ? x : 0.01 * x);
        assertMatches("leakyRelu 0.2", t -> t.leakyRelu(0.2f), x -> x > 0 ? x : 0.2 * x);
        assertMatches("gelu tanh", t -> t.gelu("tanh"),
                x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
    }

    @Test
    void geluIsXTimesTheNormalCdf() {
        // Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208, Φ(-3) = 0.0013498980316301
        Tensor y = Tensor.of(new float[] {1f, -1f, 2f, -3f, 0f}).gelu();
        assertArrayEquals(new float[] {0.84134475f, -0.15865525f, 1.9544997f, -0.0040496941f, 0f}, y.toFloatArray(),
                2e-7f);
        assertArrayEquals(y.toFloatArray(), Tensor.of(new float[] {1f, -1f, 2f, -3f, 0f}).gelu("none").toFloatArray());
        // Far in the left tail Φ(x) ~ φ(x)/|x|: gelu(-8) = -8·6.22e-16, which 1 + erf(x/√2) would give as 0.
        assertEquals(-4.9770e-15f, Tensor.of(new float[] {-8f}).gelu().item(), 1e-18f);
    }

    @Test
    void sigmoidTanhAndSiluStayFiniteAndExactForLargeInputs() {
        Tensor x = Tensor.of(new float[] {-1000f, -200f, 200f, 1000f}).requiresGrad(true);
        Tensor s = x.sigmoid();
        assertArrayEquals(new float[] {0f, 0f, 1f, 1f}, s.toFloatArray(), 0f);
        s.sum().backward();
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, x.grad().toFloatArray(), 0f);

        Tensor z = Tensor.of(new float[] {-1000f, 1000f}).requiresGrad(true);
        Tensor t = z.tanh();
        assertArrayEquals(new float[] {-1f, 1f}, t.toFloatArray(), 0f);
        t.sum().backward();
        assertArrayEquals(new float[] {0f, 0f}, z.grad().toFloatArray(), 0f);

        Tensor w = Tensor.of(new float[] {-1000f, 1000f}).requiresGrad(true);
        Tensor si = w.silu();
        assertArrayEquals(new float[] {-0f, 1000f}, si.toFloatArray(), 0f);
        si.sum().backward();
        assertArrayEquals(new float[] {0f, 1f}, w.grad().toFloatArray(), 0f);
        assertTrue(Float.isNaN(Tensor.of(new float[] {Float.NaN}).sigmoid().item()), "NaN stays visible");
    }

    @Test
    void gradientsKeepTheirDigitsInTheLeftTail() {
        // Where the outputs are tiny, float32 still holds them to full precision: so must the gradients.
        float[] xs = {-12f, -8f, -5f};
        assertGradient("sigmoid", Tensor::sigmoid, xs, x -> Math.exp(x) / Math.pow(1 + Math.exp(x), 2));
        assertGradient("silu", Tensor::silu, xs, x -> {
            double s = 1 / (1 + Math.exp(-x));
            return s * (1 + x * (1 - s));
        });
        // gelu'(x) = Φ(x) + x·φ(x); Φ(-5) = 2.866515718791939e-7, φ(-5) = 1.4867195147342977e-6
        assertGradient("gelu", Tensor::gelu, new float[] {-5f}, x -> 2.866515718791939e-7 + x * 1.4867195147342977e-6);
    }

    @Test
    void leakyReluAppliesTheSlopeAtZeroInItsGradient() {
        Tensor x = Tensor.of(new float[] {-2f, 0f, 3f}).requiresGrad(true);
        x.leakyRelu(0.1f).sum().backward();
        assertArrayEquals(new float[] {0.1f, 0.1f, 1f}, x.grad().toFloatArray(), "PyTorch: x > 0 ? g : g·slope");
    }

    @Test
    void geluRefusesAnUnknownApproximation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2).gelu("erf"));
        assertEquals("gelu: approximate must be 'none' or 'tanh', got 'erf'", e.getMessage());
    }

    @Test
    void intTensorsAreRefusedWithTheOpsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofInts(new int[] {1}).sigmoid());
        assertTrue(e.getMessage().startsWith("sigmoid: expected a float32 tensor"), e.getMessage());
    }

    private static void assertGradient(String name, UnaryOperator<Tensor> op, float[] xs, DoubleUnaryOperator derivative) {
        Tensor x = Tensor.of(xs).requiresGrad(true);
        op.apply(x).sum().backward();
        for (int i = 0; i < xs.length; i++) {
            double expected = derivative.applyAsDouble(xs[i]);
            assertEquals(expected, x.grad().get(i), 1e-5 * Math.abs(expected), name + "'(" + xs[i] + ")");
        }
    }

    private static void assertMatches(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator closedForm) {
        float[] y = op.apply(Tensor.of(XS)).toFloatArray();
        for (int i = 0; i < XS.length; i++) {
            double expected = closedForm.applyAsDouble(XS[i]);
            assertEquals(expected, y[i], 2e-7 * Math.max(1, Math.abs(expected)), name + "(" + XS[i] + ")");
        }
    }
}
