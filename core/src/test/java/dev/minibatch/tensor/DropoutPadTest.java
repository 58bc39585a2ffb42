package dev.minibatch.tensor;

import dev.minibatch.GradCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout's mask, scaling and modes; zero padding and its gradient. */
class DropoutPadTest {
    @Test
    void dropoutZeroesAboutPAndScalesTheRestByOneOverOneMinusP() {
        Tensor x = Tensor.ones(100_000);
        float[] y = Tensor.dropout(x, 0.3, true, new Generator(1)).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1 / 0.7f, v, 1e-6f);
            }
        }
        assertEquals(0.3, zeros / 100_000.0, 0.005);
    }

    @Test
    void dropoutIsTheIdentityInEvaluationOrForPZeroAndZeroForPOne() {
        Tensor x = Tensor.randn(new Generator(2), 4, 5);
        assertSame(x, Tensor.dropout(x, 0.5, false, new Generator(1)));
        assertSame(x, Tensor.dropout(x, 0, true, new Generator(1)));
        for (float v : Tensor.dropout(x, 1, true, new Generator(1)).toFloatArray()) {
            assertEquals(0f, v, 0f, "x · 0, as PyTorch computes it (so -0 for negative x)");
        }
    }

    @Test
    void dropoutMaskComesFromTheGeneratorSoASeedRepeatsIt() {
        Tensor x = Tensor.ones(50);
        assertArrayEquals(Tensor.dropout(x, 0.5, true, new Generator(3)).toFloatArray(),
                Tensor.dropout(x, 0.5, true, new Generator(3)).toFloatArray());
    }

    @Test
    void dropoutGradientFlowsThroughTheMask() {
        // The same seed for every evaluation: the finite differences see the same mask as the backward pass.
        GradCheck.check("dropout", t -> Tensor.dropout(t[0], 0.4, true, new Generator(9)),
                Tensor.randn(new Generator(4), 6, 7));
    }

    @Test
    void dropoutRefusesProbabilitiesOutsideZeroToOne() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.dropout(Tensor.ones(3), 1.5, true, new Generator(1)));
        assertEquals("dropout: probability has to be between 0 and 1, but got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.dropout(Tensor.ones(3), -0.1, false, new Generator(1)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.dropout(Tensor.ones(3), Double.NaN, true, new Generator(1)));
    }

    @Test
    void padAddsZerosLeftRightTopAndBottomOfTheLastTwoDims() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2);
        Tensor y = Tensor.pad(x, 1, 0, 0, 2);
        assertArrayEquals(new int[] {1, 4, 3}, y.shape());
        assertArrayEquals(new float[] {0, 1, 2, 0, 3, 4, 0, 0, 0, 0, 0, 0}, y.toFloatArray());
        assertArrayEquals(new float[] {2, 4}, Tensor.pad(x, -1, 0, 0, 0).toFloatArray(), "negative padding crops");
    }

    @Test
    void padGradientIsTheUnpaddedPart() {
        GradCheck.check("pad", t -> Tensor.pad(t[0], 1, 2, 3, 0), Tensor.randn(new Generator(5), 2, 3, 4));
        GradCheck.check("pad cropping", t -> Tensor.pad(t[0], -1, 1, 0, -2), Tensor.randn(new Generator(6), 2, 4, 4));
    }

    @Test
    void padRefusesVectorsAndEmptyResults() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.pad(Tensor.ones(3), 1, 1, 1, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.pad(Tensor.ones(2, 2), -2, 0, 0, 0));
        assertTrue(e.getMessage().contains("leaves an output of 2 x 0"), e.getMessage());
    }
}
