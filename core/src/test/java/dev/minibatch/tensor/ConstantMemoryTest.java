package dev.minibatch.tensor;

import dev.minibatch.nn.Functional;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph is released after backward(), so a training loop of any length runs in constant memory. */
class ConstantMemoryTest {

    @Test
    void twentyThousandStepsDoNotGrowTheRetainedHeap() {
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, 32, 20);
        Tensor y = Tensor.randint(g, 0, 5, 32);
        Tensor w1 = Tensor.randn(g, 16, 20).mul(0.1f).detach().requiresGrad(true);
        Tensor b1 = Tensor.zeros(16).requiresGrad(true);
        Tensor w2 = Tensor.randn(g, 5, 16).mul(0.1f).detach().requiresGrad(true);
        Tensor[] params = {w1, b1, w2};
        long[] retained = new long[2];
        for (int step = 1; step <= 20_000; step++) {
            Tensor logits = Tensor.linear(x, w1, b1).relu().matmul(w2.t());
            Functional.crossEntropy(logits, y).backward();
            for (Tensor p : params) {
                p.addInPlace(p.grad(), -0.01f);
                p.zeroGrad();
            }
            if (step == 2_000) {
                retained[0] = retainedHeap();
            }
        }
        retained[1] = retainedHeap();
        long growth = retained[1] - retained[0];
        assertTrue(growth < 1_000_000, "retained heap grew by " + growth + " bytes between step 2,000 ("
                + retained[0] + ") and step 20,000 (" + retained[1] + ")");
    }

    private static long retainedHeap() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
