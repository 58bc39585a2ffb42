package dev.minibatch.data;

import dev.minibatch.tensor.DType;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollateTest {
    @Test
    void stacksTensorsAlongANewFirstDimension() {
        Tensor b = (Tensor) Collate.defaultCollate().apply(List.of(
                Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {3, 4}), Tensor.of(new float[] {5, 6})));
        assertArrayEquals(new int[] {3, 2}, b.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, b.toFloatArray());
    }

    @Test
    void gathersIntsIntoAnIntTensorAndFloatsIntoAFloatTensor() {
        Tensor ints = (Tensor) Collate.defaultCollate().apply(List.of(3, 1L, 4));
        assertEquals(DType.INT32, ints.dtype());
        assertArrayEquals(new int[] {3, 1, 4}, ints.toIntArray());
        Tensor floats = (Tensor) Collate.defaultCollate().apply(List.of(0.5, 1.5f));
        assertEquals(DType.FLOAT32, floats.dtype());
        assertArrayEquals(new float[] {0.5f, 1.5f}, floats.toFloatArray());
    }

    @Test
    void recursesIntoBatchesAndLists() {
        List<Object> items = List.of(
                List.of(Batch.of(Tensor.of(new float[] {1}), Tensor.ofInts(new int[] {7}, new int[0])), 10),
                List.of(Batch.of(Tensor.of(new float[] {2}), Tensor.ofInts(new int[] {8}, new int[0])), 20));
        List<?> out = (List<?>) Collate.defaultCollate().apply(items);
        Batch pair = (Batch) out.get(0);
        assertArrayEquals(new int[] {2, 1}, pair.x().shape());
        assertArrayEquals(new float[] {1, 2}, pair.x().toFloatArray());
        assertArrayEquals(new int[] {7, 8}, pair.y().toIntArray());
        assertArrayEquals(new int[] {10, 20}, ((Tensor) out.get(1)).toIntArray());
    }

    @Test
    void stackKeepsTheItemTypeAndRefusesNumbers() {
        Collate<Batch, Batch> stack = Collate.stack();
        Batch b = stack.apply(List.of(Batch.of(Tensor.of(new float[] {1, 2})),
                Batch.of(Tensor.of(new float[] {3, 4}))));
        assertArrayEquals(new int[] {2, 2}, b.x().shape());
        var e = assertThrows(IllegalArgumentException.class, () -> Collate.stack().apply(List.of(1, 2)));
        assertTrue(e.getMessage().contains("Collate.defaultCollate()"), e.getMessage());
    }

    @Test
    void refusesItemsOfDifferentShapesOrTypes() {
        var shapes = assertThrows(IllegalArgumentException.class, () -> Collate.defaultCollate().apply(List.of(
                Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {3}))));
        assertTrue(shapes.getMessage().contains("[2]") && shapes.getMessage().contains("[1]"), shapes.getMessage());
        var types = assertThrows(IllegalArgumentException.class, () -> Collate.defaultCollate().apply(List.of(
                Tensor.of(new float[] {1}), 2)));
        assertTrue(types.getMessage().contains("Integer"), types.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Collate.defaultCollate().apply(List.of(
                List.of(1, 2), List.of(3))));
        assertThrows(IllegalArgumentException.class, () -> Collate.defaultCollate().apply(List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> Collate.defaultCollate().apply(List.of()));
    }
}
