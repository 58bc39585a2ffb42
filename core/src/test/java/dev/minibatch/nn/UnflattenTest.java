package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnflattenTest {
    @Test
    void printsAsPyTorch() {
        assertEquals("Unflatten(dim=1, unflattened_size=(1, 28, 28))", new Unflatten(1, 1, 28, 28).toString());
        assertEquals("Unflatten(dim=-1, unflattened_size=(4,))", new Unflatten(-1, 4).toString());
    }

    @Test
    void splitsOneDimensionAndPassesTheGradientBack() {
        Tensor x = Tensor.arange(2 * 12).reshape(2, 12).requiresGrad(true);
        Tensor y = new Unflatten(1, 3, -1).forward(x);
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        assertArrayEquals(new int[] {2, 2, 3}, new Unflatten(-1, 2, 3).forward(Tensor.arange(12).reshape(2, 6)).shape());
        y.mul(Tensor.arange(24).reshape(2, 3, 4)).sum().backward();
        assertArrayEquals(Tensor.arange(24).toFloatArray(), x.grad().toFloatArray());
    }

    @Test
    void aSizeThatDoesNotFitNamesTheLayer() {
        Unflatten u = new Unflatten(1, 1, 28, 28);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> u.forward(Tensor.zeros(5, 100)));
        assertTrue(e.getMessage().startsWith("Unflatten(dim=1, unflattened_size=(1, 28, 28)): "), e.getMessage());
        assertTrue(e.getMessage().contains("100"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> u.forward(Tensor.zeros(5)))
                .getMessage().contains("dim 1 is out of range for input of shape [5]"));
        assertThrows(IllegalArgumentException.class, () -> new Unflatten(1, 0, 4));
    }
}
