package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's semantics, as PyTorch documents them: accumulation, zeroing, detach, no-grad, release. */
class AutogradTest {

    private static Tensor param(float... v) {
        return Tensor.of(v).requiresGrad(true);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor w = param(1, 2);
        w.mul(3f).sum().backward();
        assertArrayEquals(new float[] {3, 3}, w.grad().toFloatArray());
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {5, 7}, w.grad().toFloatArray(), "3 + 2w");
    }

    @Test
    void aPassGivesTheSameGradientsWithThePreviousPassesBuffers() {
        // Interior gradients are recycled on their thread from one pass to the next, holding that pass's values:
        // every op that writes a gradient in place must overwrite it. The second of two passes on one thread
        // against the same pass alone on a new thread, bit for bit: convolutions (direct, and strided through
        // col2im), max pooling, a linear layer, a matrix product, ReLU and a reshape.
        float[][] reused = new float[1][];
        Thread first = new Thread(() -> {
            twoLayerPass(1);
            reused[0] = twoLayerPass(2);
        });
        float[][] alone = new float[1][];
        Thread fresh = new Thread(() -> alone[0] = twoLayerPass(2));
        runAll(first, fresh);
        assertArrayEquals(alone[0], reused[0]);
    }

    /** The gradients of every parameter of a small convolutional net, for a loss weighted by {@code seed}'s draw. */
    private static float[] twoLayerPass(long seed) {
        Generator g = new Generator(7);
        Tensor x = Tensor.randn(g, 3, 2, 9, 9).requiresGrad(true);
        Tensor w1 = Tensor.randn(g, 8, 2, 3, 3).requiresGrad(true);
        Tensor w2 = Tensor.randn(g, 4, 8, 3, 3).requiresGrad(true);
        Tensor w3 = Tensor.randn(g, 5, 16).requiresGrad(true);
        Tensor m = Tensor.randn(g, 5, 6).requiresGrad(true);
        int[] one = {1};
        Tensor h = Tensor.conv2d(x, w1, null, one, one, one, 1).relu();
        h = Tensor.maxPool2d(h, new int[] {2}, new int[] {2}, new int[] {0}, one, false);
        h = Tensor.conv2d(h, w2, null, new int[] {2}, one, one, 1);
        h = Tensor.linear(h.reshape(3, 16), w3, null).matmul(m);
        h.mul(Tensor.randn(new Generator(seed), 3, 6)).sum().backward();
        Tensor[] params = {x, w1, w2, w3, m};
        float[] all = new float[0];
        for (Tensor p : params) {
            float[] v = p.grad().toFloatArray();
            float[] joined = java.util.Arrays.copyOf(all, all.length + v.length);
            System.arraycopy(v, 0, joined, all.length, v.length);
            all = joined;
        }
        return all;
    }

    private static void runAll(Thread... threads) {
        for (Thread t : threads) {
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aLayersGradientsAccumulateAcrossBackwardCallsToo() {
        // Linear's backward writes into the gradients' storage: the second pass must add, not overwrite.
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, 8, 20);
        Tensor w = Tensor.randn(g, 6, 20).requiresGrad(true);
        Tensor b = Tensor.randn(g, 6).requiresGrad(true);
        Fused.linearRelu(x, w, b).sum().backward();
        float[] once = w.grad().toFloatArray();
        float[] onceB = b.grad().toFloatArray();
        Fused.linearRelu(x, w, b).sum().backward();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], w.grad().toFloatArray()[i], 1e-5f * Math.max(1f, Math.abs(once[i])), "w " + i);
        }
        for (int i = 0; i < onceB.length; i++) {
            assertEquals(2 * onceB[i], b.grad().toFloatArray()[i], 1e-5f * Math.max(1f, Math.abs(onceB[i])), "b " + i);
        }
        w.zeroGrad();
        Fused.linearRelu(x, w, b).sum().backward();
        assertArrayEquals(once, w.grad().toFloatArray(), "after zeroGrad the reused storage is overwritten");
    }

    @Test
    void zeroGradDropsTheGradientLikeSetToNone() {
        Tensor w = param(1, 2);
        w.sum().backward();
        w.zeroGrad();
        assertNull(w.grad());
        w.mul(2f).sum().backward();
        assertArrayEquals(new float[] {2, 2}, w.grad().toFloatArray());
    }

    @Test
    void nothingIsRecordedInANoGradScope() {
        Tensor w = param(1, 2);
        try (var g = Autograd.noGrad()) {
            Tensor y = w.mul(2f);
            assertFalse(y.requiresGrad());
            assertFalse(Autograd.isGradEnabled());
        }
        assertTrue(Autograd.isGradEnabled());
        assertTrue(w.mul(2f).requiresGrad());
    }

    @Test
    void detachCutsTheGraphButSharesValues() {
        Tensor w = param(1, 2);
        Tensor d = w.mul(2f).detach();
        assertFalse(d.requiresGrad());
        assertArrayEquals(new float[] {2, 4}, d.toFloatArray());
        Tensor y = w.mul(d).sum();
        y.backward();
        assertArrayEquals(new float[] {2, 4}, w.grad().toFloatArray(), "d is a constant");
    }

    @Test
    void backwardWithAnExplicitGradient() {
        Tensor w = param(1, 2, 3);
        w.mul(w).backward(Tensor.of(new float[] {1, 0, 2}));
        assertArrayEquals(new float[] {2, 0, 12}, w.grad().toFloatArray());
    }

    @Test
    void misuseOfBackwardIsExplained() {
        Tensor w = param(1, 2);
        var e = assertThrows(IllegalStateException.class, () -> w.mul(2f).backward());
        assertTrue(e.getMessage().contains("only for scalar outputs"), e.getMessage());
        var e2 = assertThrows(IllegalStateException.class, () -> Tensor.scalar(1).backward());
        assertTrue(e2.getMessage().contains("does not require grad"), e2.getMessage());
        Tensor loss = w.mul(w).sum();
        loss.backward();
        var e3 = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e3.getMessage().contains("second time"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> w.mul(2f).backward(Tensor.zeros(3)));
        assertTrue(e4.getMessage().contains("gradient of shape [3] for a tensor of shape [2]"), e4.getMessage());
    }

    @Test
    void theGraphIsReleasedAfterBackward() {
        Tensor w = param(1, 2);
        Tensor hidden = w.mul(2f);
        Tensor loss = hidden.sum();
        loss.backward();
        assertFalse(hidden.isLeaf());
        assertNull(hidden.grad(), "non-leaf gradients are not retained");
        var e = assertThrows(IllegalStateException.class, () -> hidden.mul(3f).sum().backward());
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void generatorIsTheSameOnEveryMachine() {
        // SplitMix64's first output for seed 0 is 0xE220A8397B1DCDAF (Steele, Lea and Flood's reference).
        assertArrayEquals(new long[] {0xE220A8397B1DCDAFL}, new long[] {new Generator(0).getState()[0]});
        Generator a = new Generator(5);
        Generator b = new Generator(5);
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(new long[] {a.nextLong()}, new long[] {b.nextLong()});
        }
        long[] state = a.getState();
        long next = a.nextLong();
        b.setState(state);
        assertArrayEquals(new long[] {next}, new long[] {b.nextLong()}, "state restores the stream");
    }
}
