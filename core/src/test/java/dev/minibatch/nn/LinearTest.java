package dev.minibatch.nn;

import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearTest {
    @Test
    void initialisationIsUniformWithinOneOverSqrtIn() {
        Linear l = new Linear(784, 50);
        assertArrayEquals(new int[] {50, 784}, l.weight.shape());
        assertArrayEquals(new int[] {50}, l.bias.shape());
        double bound = 1 / Math.sqrt(784);
        float[] w = l.weight.toFloatArray();
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        double sumSq = 0;
        for (float v : w) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / w.length;
        double std = Math.sqrt(sumSq / w.length - mean * mean);
        assertTrue(min >= -bound && max <= bound, "in ±1/√in: " + min + ".." + max);
        assertTrue(min < -0.99 * bound && max > 0.99 * bound, "fills the range: " + min + ".." + max);
        assertEquals(0, mean, 1e-3, "centred");
        assertEquals(bound / Math.sqrt(3), std, 0.02 * bound / Math.sqrt(3), "uniform's standard deviation");
        for (float b : l.bias.toFloatArray()) {
            assertTrue(Math.abs(b) <= bound, "bias " + b);
        }
        assertTrue(l.weight.requiresGrad() && l.bias.requiresGrad());
    }

    @Test
    void manualSeedMakesModelsReproducible() {
        Minibatch.manualSeed(7);
        Sequential a = new Sequential(new Linear(5, 4), new ReLU(), new Linear(4, 3));
        Minibatch.manualSeed(7);
        Sequential b = new Sequential(new Linear(5, 4), new ReLU(), new Linear(4, 3));
        Sequential c = new Sequential(new Linear(5, 4), new ReLU(), new Linear(4, 3));
        List<Tensor> pa = a.parameters();
        List<Tensor> pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).toFloatArray(), pb.get(i).toFloatArray());
        }
        assertFalse(Arrays.equals(pa.get(0).toFloatArray(), c.parameters().get(0).toFloatArray()));
    }

    @Test
    void withoutBiasThereIsNoBiasParameter() {
        Linear l = new Linear(3, 2, false);
        assertNull(l.bias);
        assertEquals(List.of("weight"), List.copyOf(l.namedParameters().keySet()));
        Tensor x = Tensor.randn(4, 3);
        Fixtures.assertClose(x.matmul(l.weight.t()), l.forward(x), 1e-6, 1e-6, "x·Wᵀ");
    }

    @Test
    void forwardIsXTimesWeightTransposedPlusBias() {
        Linear l = new Linear(3, 2);
        Tensor x = Tensor.randn(4, 3);
        Fixtures.assertClose(x.matmul(l.weight.t()).add(l.bias), l.forward(x), 1e-6, 1e-6, "x·Wᵀ + b");
    }

    /**
     * A classifier big enough for its products to run one per thread (its forward's rows in two halves, its
     * backward's two products side by side): values and gradients as through matmul.
     */
    @Test
    void aClassifiersProductsSharedByTheThreadsAreXTimesWeightTransposed() {
        Linear l = new Linear(1568, 10);
        Tensor x = Tensor.randn(65, 1568).requiresGrad(true);
        Tensor upstream = Tensor.randn(65, 10);
        Tensor y = l.forward(x);
        y.mul(upstream).sum().backward();
        Tensor xRef = x.detach().requiresGrad(true);
        Tensor wRef = l.weight.detach().requiresGrad(true);
        Tensor yRef = xRef.matmul(wRef.t()).add(l.bias.detach());
        yRef.mul(upstream).sum().backward();
        Fixtures.assertClose(yRef, y, 1e-5, 1e-5, "x·Wᵀ + b");
        Fixtures.assertClose(xRef.grad(), x.grad(), 1e-5, 1e-5, "the input's gradient");
        Fixtures.assertClose(wRef.grad(), l.weight.grad(), 1e-5, 1e-5, "the weight's gradient");
    }

    @Test
    void leadingDimensionsAreKept() {
        Linear l = new Linear(3, 2);
        Tensor x = Tensor.randn(2, 5, 3);
        Tensor y = l.forward(x);
        assertArrayEquals(new int[] {2, 5, 2}, y.shape());
        Fixtures.assertClose(l.forward(x.reshape(10, 3)).reshape(2, 5, 2), y, 0, 0, "same as flattened");
        assertArrayEquals(new int[] {2}, l.forward(Tensor.randn(3)).shape());
    }

    @Test
    void wrongInputSizeIsRefusedWithTheShapes() {
        Linear l = new Linear(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(4, 5)));
        assertEquals("Linear(in_features=3, out_features=2, bias=True): input of shape [4, 5] does not end in "
                + "in_features=3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 2));
    }

    /** PyTorch's MLP from the fixture: same parameters give the same logits, loss and gradients. */
    @Test
    void sequentialMatchesPyTorchLogitsLossAndGradients() {
        var mlp = Fixtures.torch().get("mlp");
        Sequential model = new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10));
        Map<String, Tensor> init = new LinkedHashMap<>();
        mlp.get("init").fields().forEachRemaining(e -> init.put(e.getKey(), Fixtures.tensor(e.getValue())));
        model.loadStateDict(init);
        Tensor logits = model.forward(Fixtures.tensor(mlp.get("x")));
        Fixtures.assertClose(Fixtures.tensor(mlp.get("logits")), logits, 1e-5, 1e-6, "logits");
        Tensor loss = Functional.crossEntropy(logits, Fixtures.ints(mlp.get("target")));
        assertEquals(mlp.get("loss").asDouble(), loss.item(), 1e-5 * 2.3, "loss");
        loss.backward();
        model.namedParameters().forEach((name, p) ->
                Fixtures.assertClose(Fixtures.tensor(mlp.get("grads").get(name)), p.grad(), 1e-4, 1e-6, name));
    }
}
