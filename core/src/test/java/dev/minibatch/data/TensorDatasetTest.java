package dev.minibatch.data;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorDatasetTest {
    private final Tensor x = Tensor.arange(12).reshape(6, 2);
    private final Tensor y = Tensor.ofInts(new int[] {5, 0, 4, 1, 9, 2}, 6);
    private final TensorDataset ds = new TensorDataset(x, y);

    @Test
    void itemIsTheRowOfEachTensor() {
        assertEquals(6, ds.size());
        Batch item = ds.get(2);
        assertArrayEquals(new int[] {2}, item.x().shape());
        assertArrayEquals(new float[] {4, 5}, item.x().toFloatArray());
        assertEquals(0, item.y().dim(), "a label item is a scalar, as y[i] in PyTorch");
        assertEquals(4, item.y().item());
    }

    @Test
    void getBatchEqualsTheStackedItems() {
        int[] idx = {5, 0, 3};
        Batch fast = ds.getBatch(idx);
        List<Batch> items = new ArrayList<>();
        for (int i : idx) {
            items.add(ds.get(i));
        }
        Batch slow = Collate.<Batch>stack().apply(items);
        assertArrayEquals(slow.x().shape(), fast.x().shape());
        assertArrayEquals(slow.x().toFloatArray(), fast.x().toFloatArray());
        assertArrayEquals(new int[] {2, 5, 1}, fast.y().toIntArray());
        assertArrayEquals(slow.y().toIntArray(), fast.y().toIntArray());
    }

    @Test
    void holdsAnyNumberOfTensors() {
        TensorDataset one = new TensorDataset(x);
        assertEquals(1, one.get(0).tensors().size());
        assertThrows(IllegalStateException.class, () -> one.get(0).y());
        TensorDataset three = new TensorDataset(x, y, y);
        assertArrayEquals(new int[] {1, 2}, three.getBatch(new int[] {3, 5}).get(2).toIntArray());
    }

    @Test
    void refusesTensorsOfDifferentLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(x, Tensor.ofInts(new int[] {1}, 1)));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, TensorDataset::new);
        assertThrows(IndexOutOfBoundsException.class, () -> ds.getBatch(new int[] {6}));
    }
}
