package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClipGradTest {
    private static Tensor withGrad(float[] value, float[] grad) {
        Tensor p = Tensor.of(value).requiresGrad(true);
        p.setGrad(Tensor.of(grad));
        return p;
    }

    @Test
    void scalesAllGradientsTogetherToTheMaximumNorm() {
        // |(3, 4, 12)| = 13 over both parameters; each gradient is scaled by 6.5 / (13 + 1e-6).
        Tensor a = withGrad(new float[] {0, 0}, new float[] {3, 4});
        Tensor b = withGrad(new float[] {0}, new float[] {12});
        Tensor none = Tensor.of(new float[] {1}).requiresGrad(true);
        assertEquals(13f, ClipGrad.clipGradNorm(List.of(a, none, b), 6.5f), "the norm before clipping");
        float coef = 6.5f / (13f + 1e-6f);
        assertArrayEquals(new float[] {3 * coef, 4 * coef}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {12 * coef}, b.grad().toFloatArray());
        assertEquals(0.5f, coef, 1e-7f);
        assertNull(none.grad(), "a parameter without a gradient is skipped");
    }

    @Test
    void leavesGradientsBelowTheMaximumAlone() {
        Tensor a = withGrad(new float[] {0, 0}, new float[] {3, -4});
        assertEquals(5f, ClipGrad.clipGradNorm(List.of(a), 5.001f), "below the maximum the factor is clamped to 1");
        assertArrayEquals(new float[] {3, -4}, a.grad().toFloatArray());
        ClipGrad.clipGradNorm(List.of(a), 5f);
        assertArrayEquals(new float[] {3 * (5f / 5.000001f), -4 * (5f / 5.000001f)}, a.grad().toFloatArray(),
                "at the maximum, the 1e-6 in the divisor still scales a little, as in PyTorch");
        assertEquals(0f, ClipGrad.clipGradNorm(List.of(Tensor.zeros(1).requiresGrad(true)), 1f), "no gradients");
    }

    @Test
    void infinityNormIsTheLargestAbsoluteValue() {
        Tensor a = withGrad(new float[] {0, 0}, new float[] {1, -8});
        Tensor b = withGrad(new float[] {0}, new float[] {2});
        assertEquals(8f, ClipGrad.clipGradNorm(List.of(a, b), 2f, Float.POSITIVE_INFINITY));
        float coef = 2f / (8f + 1e-6f);
        assertArrayEquals(new float[] {coef, -8 * coef}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {2 * coef}, b.grad().toFloatArray());
    }

    @Test
    void otherNormTypes() {
        Tensor a = withGrad(new float[] {0, 0}, new float[] {1, -2});
        assertEquals(3f, ClipGrad.clipGradNorm(List.of(a), 10f, 1f));
        assertEquals((float) Math.cbrt(9), ClipGrad.clipGradNorm(List.of(a), 10f, 3f));
    }

    @Test
    void nonFiniteNormIsAnErrorOnlyWhenAsked() {
        Tensor a = withGrad(new float[] {0, 0}, new float[] {Float.POSITIVE_INFINITY, 1});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClipGrad.clipGradNorm(List.of(a), 1f, 2f, true));
        assertEquals("clipGradNorm: the total norm of order 2.0 of the gradients is Infinity, so they cannot be "
                + "clipped; pass errorIfNonfinite = false to scale them by it anyway", e.getMessage());
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 1}, a.grad().toFloatArray(), "unchanged");
        assertEquals(Float.POSITIVE_INFINITY, ClipGrad.clipGradNorm(List.of(a), 1f));
        assertArrayEquals(new float[] {Float.NaN, 0}, a.grad().toFloatArray(), "scaled by 0, as PyTorch does");
    }

    @Test
    void refusesImpossibleSettings() {
        List<Tensor> ps = List.of(withGrad(new float[] {0}, new float[] {1}));
        assertEquals("clipGradNorm: maxNorm must be >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(ps, -1f)).getMessage());
        assertEquals("clipGradNorm: normType must be > 0 or infinite, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(ps, 1f, 0f)).getMessage());
    }
}
