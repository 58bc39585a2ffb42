package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activation modules and functions apply the tensor ops with their settings, and hold no parameters. */
class ActivationModulesTest {
    private final Tensor x = Tensor.of(new float[] {-3f, -0.5f, 0f, 0.5f, 3f, -1f}, 2, 3);

    @Test
    void modulesAndFunctionsApplyTheTensorOps() {
        assertSame(x.tanh(), new Tanh().forward(x), Functional.tanh(x));
        assertSame(x.sigmoid(), new Sigmoid().forward(x), Functional.sigmoid(x));
        assertSame(x.silu(), new SiLU().forward(x), Functional.silu(x));
        assertSame(x.gelu(), new GELU().forward(x), Functional.gelu(x));
        assertSame(x.gelu("tanh"), new GELU("tanh").forward(x), Functional.gelu(x, "tanh"));
        assertSame(x.leakyRelu(), new LeakyReLU().forward(x), Functional.leakyRelu(x));
        assertSame(x.leakyRelu(0.3f), new LeakyReLU(0.3f).forward(x), Functional.leakyRelu(x, 0.3f));
        assertSame(x.softmax(1), new Softmax(1).forward(x), Functional.softmax(x, 1));
        assertSame(x.logSoftmax(0), new LogSoftmax(0).forward(x), Functional.logSoftmax(x, 0));
    }

    @Test
    void defaultsArePyTorchs() {
        assertEquals(0.01f, new LeakyReLU().negativeSlope);
        assertEquals("none", new GELU().approximate);
        assertTrue(new Sequential(new Tanh(), new GELU(), new LeakyReLU()).parameters().isEmpty());
    }

    @Test
    void geluRefusesAnUnknownApproximationWhenApplied() {
        GELU g = new GELU("fast");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.forward(x));
        assertEquals("gelu: approximate must be 'none' or 'tanh', got 'fast'", e.getMessage());
    }

    private static void assertSame(Tensor expected, Tensor module, Tensor function) {
        assertArrayEquals(expected.shape(), module.shape());
        assertArrayEquals(expected.toFloatArray(), module.toFloatArray(), "module");
        assertArrayEquals(expected.toFloatArray(), function.toFloatArray(), "function");
    }
}
