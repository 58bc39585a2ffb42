package dev.minibatch.nn;

import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContainersTest {
    @Test
    void sequentialAppliesItsModulesInOrder() {
        Linear l1 = new Linear(4, 3);
        Linear l2 = new Linear(3, 2);
        Sequential model = new Sequential(l1, new ReLU(), l2);
        Tensor x = Tensor.randn(5, 4);
        Fixtures.assertClose(l2.forward(l1.forward(x).relu()), model.forward(x), 0, 0, "l2(relu(l1(x)))");
        assertEquals(3, model.size());
        assertSame(l2, model.get(2));
        assertSame(l2, model.get(-1));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> model.get(3));
        assertEquals("index 3 is out of range for Sequential of size 3", e.getMessage());
    }

    @Test
    void sequentialFusesLinearAndReluWithTheSameValuesAndGradients() {
        Minibatch.manualSeed(4);
        Sequential model = new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3), new ReLU());
        assertFusedIsComposed(model, Tensor.randn(7, 6));
    }

    @Test
    void sequentialFusesConv2dReluAndMaxPoolWithTheSameValuesAndGradients() {
        Minibatch.manualSeed(6);
        // Fused: a 2x2 pooling of stride 2 after a convolution and its ReLU, on odd sizes (31x35: the last row and
        // column are in no window), strided; not fused: a pooling of stride 1, or a convolution output under 2x2.
        Sequential model = new Sequential(new Conv2d(3, 8, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(8, 6, 3, 2, 1), new ReLU(), new MaxPool2d(2, 2), new Conv2d(6, 4, 1), new ReLU(),
                new MaxPool2d(2, 1), new Conv2d(4, 2, 1), new ReLU(), new MaxPool2d(2));
        assertFusedIsComposed(model, Tensor.randn(2, 3, 30, 34));
        assertFusedIsComposed(model, Tensor.randn(2, 3, 31, 35));
        Sequential tiny = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(2));
        var e = assertThrows(IllegalArgumentException.class, () -> tiny.forward(Tensor.randn(1, 1, 3, 3)));
        var composed = assertThrows(IllegalArgumentException.class,
                () -> tiny.get(2).forward(tiny.get(1).forward(tiny.get(0).forward(Tensor.randn(1, 1, 3, 3)))));
        assertEquals(composed.getMessage(), e.getMessage(), "a 1x1 output is refused by the pooling, as unfused");
    }

    @Test
    void sequentialFusesConv2dAndReluWithTheSameValuesAndGradients() {
        Minibatch.manualSeed(5);
        // A strided layer, and padding='same' with an even kernel (its extra row and column padded first).
        Sequential model = new Sequential(new Conv2d(2, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 3, 3, 2, 1), new ReLU(), new Conv2d(3, 2, 2, 1, "same"), new ReLU());
        assertFusedIsComposed(model, Tensor.randn(3, 2, 8, 8));
        assertFusedIsComposed(model, Tensor.randn(2, 8, 8));
    }

    /** The model's forward (fused) and its modules' forwards one by one give the same bits, and gradients. */
    private static void assertFusedIsComposed(Sequential model, Tensor x) {
        model.zeroGrad();
        Tensor fused = model.forward(x);
        fused.sum().backward();
        List<float[]> fusedGrads = new ArrayList<>();
        model.parameters().forEach(p -> fusedGrads.add(p.grad().toFloatArray()));
        model.zeroGrad();
        Tensor composed = x;
        for (int i = 0; i < model.size(); i++) {
            composed = model.get(i).forward(composed);
        }
        String input = "input " + Arrays.toString(x.shape());
        assertArrayEquals(composed.shape(), fused.shape(), "shape, " + input);
        assertArrayEquals(composed.toFloatArray(), fused.toFloatArray(), "values, " + input);
        composed.sum().backward();
        for (int i = 0; i < fusedGrads.size(); i++) {
            assertArrayEquals(model.parameters().get(i).grad().toFloatArray(), fusedGrads.get(i),
                    "parameter " + i + ", " + input);
        }
    }

    @Test
    void sequentialCallsAnOverriddenForwardRatherThanFusingIt() {
        Linear doubling = new Linear(3, 2) {
            @Override
            public Tensor forward(Tensor x) {
                return super.forward(x).mul(2f);
            }
        };
        Sequential model = new Sequential(doubling, new ReLU());
        Tensor x = Tensor.randn(4, 3);
        Fixtures.assertClose(Tensor.linear(x, doubling.weight, doubling.bias).mul(2f).relu(), model.forward(x), 0, 0,
                "relu(2 * linear(x))");
    }

    @Test
    void sequentialAppendAddsTheNextNumber() {
        Sequential model = new Sequential(new Linear(4, 3)).append(new ReLU());
        assertEquals(List.of("0", "1"), List.copyOf(model.namedChildren().keySet()));
    }

    @Test
    void moduleListAddsGetsAndIterates() {
        Linear a = new Linear(2, 2);
        ReLU b = new ReLU();
        ModuleList list = new ModuleList(a).add(b);
        assertEquals(2, list.size());
        assertSame(a, list.get(0));
        assertSame(b, list.get(-1));
        List<Module> seen = new ArrayList<>();
        list.forEach(seen::add);
        assertEquals(List.of(a, b), seen);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(list.namedParameters().keySet()));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(2));
        assertThrows(UnsupportedOperationException.class, () -> list.forward(Tensor.zeros(1, 2)));
    }

    @Test
    void flattenKeepsTheBatchDimensionByDefault() {
        Tensor x = Tensor.randn(2, 3, 4);
        assertArrayEquals(new int[] {2, 12}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {6, 4}, new Flatten(0, 1).forward(x).shape());
        assertArrayEquals(x.toFloatArray(), new Flatten().forward(x).toFloatArray());
    }

    @Test
    void reluZeroesNegatives() {
        assertArrayEquals(new float[] {0, 0, 2}, new ReLU().forward(Tensor.of(new float[] {-1, 0, 2})).toFloatArray());
    }
}
