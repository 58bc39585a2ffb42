package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** softmax and logSoftmax as tensor methods, and the one target check shared by nllLoss and crossEntropy. */
class SoftmaxOpsTest {
    @Test
    void softmaxSumsToOneAlongItsDimensionAndLogSoftmaxIsItsLog() {
        Tensor x = Tensor.randn(new Generator(3), 2, 3, 4);
        for (int dim = -3; dim < 3; dim++) {
            Tensor y = x.softmax(dim);
            assertArrayEquals(Tensor.ones(x.sum(dim).shape()).toFloatArray(), y.sum(dim).toFloatArray(), 1e-6f,
                    "dim " + dim);
            assertArrayEquals(y.toFloatArray(), x.logSoftmax(dim).exp().toFloatArray(), 1e-6f, "dim " + dim);
            assertArrayEquals(x.sub(x.logsumexp(dim, true)).toFloatArray(), x.logSoftmax(dim).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void largeAndInfiniteLogitsAsPyTorchGivesThem() {
        Tensor x = Tensor.of(new float[] {1000f, 1001f, 999f}, 1, 3);
        double sum = 1 + Math.E + Math.exp(-1);
        assertArrayEquals(new float[] {(float) (1 / sum), (float) (Math.E / sum), (float) (Math.exp(-1) / sum)},
                x.softmax(1).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {(float) -Math.log(sum), (float) (1 - Math.log(sum)),
                (float) (-1 - Math.log(sum))}, x.logSoftmax(1).toFloatArray(), 1e-6f);
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0f, 1f, 0f}, Tensor.of(new float[] {inf, 2f, inf}, 1, 3).softmax(1)
                .toFloatArray());
        assertTrue(Float.isNaN(Tensor.of(new float[] {inf, inf}).softmax(0).get(0)), "a row of -inf is NaN, as in PyTorch");
    }

    @Test
    void aScalarIsItsOwnRow() {
        assertEquals(1f, Tensor.scalar(5f).softmax(0).item());
        assertEquals(0f, Tensor.scalar(5f).logSoftmax(-1).item());
    }

    @Test
    void badDimensionsAndIntTensorsAreRefused() {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).softmax(2));
        assertEquals("softmax: dimension 2 is out of range for a tensor of rank 2 (expected to be in [-2, 1])",
                e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofInts(new int[] {1, 2}).logSoftmax(0));
        assertTrue(f.getMessage().startsWith("logSoftmax: expected a float32 tensor"), f.getMessage());
    }

    @Test
    void nllLossAndCrossEntropyRefuseBadTargetsWithTheSameMessages() {
        Tensor scores = Tensor.zeros(2, 3);
        List<Tensor[]> bad = List.of(
                new Tensor[] {Tensor.zeros(6), Tensor.ofInts(new int[] {0, 1})},
                new Tensor[] {scores, Tensor.zeros(2)},
                new Tensor[] {scores, Tensor.ofInts(new int[] {0, 1, 2})},
                new Tensor[] {scores, Tensor.ofInts(new int[] {0, 3})});
        for (Tensor[] args : bad) {
            String nll = message(t -> Losses.nllLoss(t[0], t[1]), args);
            String ce = message(t -> Fused.crossEntropy(t[0], t[1]), args);
            assertTrue(nll.startsWith("nllLoss: "), nll);
            assertEquals(ce.replace("crossEntropy: ", "nllLoss: "), nll);
        }
        assertEquals("nllLoss: target 3 at position 1 is out of bounds for 3 classes (expected 0..2)",
                message(t -> Losses.nllLoss(t[0], t[1]), bad.get(3)));
    }

    private static String message(Function<Tensor[], Tensor> op, Tensor[] args) {
        return assertThrows(IllegalArgumentException.class, () -> op.apply(args)).getMessage();
    }
}
