package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creation, reading, values of the ops, and their errors, against PyTorch's documented semantics. */
class TensorTest {

    private static Tensor m(float... v) {
        return Tensor.of(v, 2, v.length / 2);
    }

    @Test
    void allFiniteIsIsfiniteAll() {
        assertTrue(Tensor.of(new float[] {1f, -Float.MAX_VALUE, 0f}, 3).allFinite());
        assertFalse(Tensor.of(new float[] {1f, Float.NaN, 0f}, 3).allFinite());
        assertFalse(Tensor.of(new float[] {Float.NEGATIVE_INFINITY}, 1).allFinite());
        assertTrue(Tensor.wrapInts(new int[] {Integer.MIN_VALUE}, 1).allFinite(), "integers are finite");
    }

    @Test
    void createsAndReadsTensorsOfAnyRank() {
        Tensor s = Tensor.scalar(3f);
        assertEquals(0, s.dim());
        assertEquals(1, s.numel());
        assertEquals(3f, s.item());
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(3, t.size(-1));
        assertEquals(6f, t.get(1, 2));
        assertEquals(4f, t.get(-1, 0));
        assertArrayEquals(new float[] {0, 0, 0, 0}, Tensor.zeros(2, 2).toFloatArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7f, 2).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2}, Tensor.arange(3).toFloatArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f).toFloatArray());
        Tensor labels = Tensor.ofInts(new int[] {5, 0, 4});
        assertEquals(DType.INT32, labels.dtype());
        assertArrayEquals(new int[] {5, 0, 4}, labels.toIntArray());
    }

    @Test
    void wrongLengthsAndTypesAreRefusedWithTheValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5 values cannot fill shape [2, 3]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Tensor.ofInts(new int[] {1, 2}).exp());
        assertTrue(e2.getMessage().contains("expected a float32 tensor but got int32"), e2.getMessage());
        var e3 = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).item());
        assertTrue(e3.getMessage().contains("2 elements"), e3.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).get(2, 0));
        var e4 = assertThrows(IllegalArgumentException.class, () -> Tensor.ofInts(new int[] {1}).requiresGrad(true));
        assertTrue(e4.getMessage().contains("only float32"), e4.getMessage());
    }

    @Test
    void randomTensorsAreReproducibleFromTheSeed() {
        Minibatch.manualSeed(7);
        float[] a = Tensor.randn(3, 4).toFloatArray();
        int[] p = Tensor.randperm(10).toIntArray();
        Minibatch.manualSeed(7);
        assertArrayEquals(a, Tensor.randn(3, 4).toFloatArray());
        assertArrayEquals(p, Tensor.randperm(10).toIntArray());
        int[] sorted = p.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        for (float v : Tensor.rand(new Generator(1), 1000).toFloatArray()) {
            assertTrue(v >= 0 && v < 1);
        }
        for (int v : Tensor.randint(new Generator(1), -2, 3, 1000).toIntArray()) {
            assertTrue(v >= -2 && v < 3);
        }
    }

    @Test
    void broadcastingFollowsNumpyRules() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor b = Tensor.of(new float[] {10, 20}, 2);
        Tensor c = a.add(b);
        assertArrayEquals(new int[] {3, 2}, c.shape());
        assertArrayEquals(new float[] {11, 21, 12, 22, 13, 23}, c.toFloatArray());
        assertArrayEquals(new float[] {-9, -19, -8, -18, -7, -17}, a.sub(b).toFloatArray());
        assertArrayEquals(new float[] {0.1f, 0.05f, 0.2f, 0.1f, 0.3f, 0.15f}, a.div(b).toFloatArray(), 1e-7f);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).mul(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("mul: shapes [2, 3] and [2] cannot be broadcast"), e.getMessage());
    }

    @Test
    void unaryOpsAndComparisons() {
        Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 1.5f});
        assertArrayEquals(new float[] {0, 0, 0, 1.5f}, x.relu().toFloatArray());
        assertArrayEquals(new float[] {-1, -0.5f, 0, 1}, x.clamp(-1, 1).toFloatArray());
        assertArrayEquals(new float[] {4, 0.25f, 0, 2.25f}, x.pow(2).toFloatArray());
        assertArrayEquals(new float[] {2, 0.5f, 0, -1.5f}, x.neg().toFloatArray(), 0f);
        assertArrayEquals(new float[] {0, 0, 1, 1}, x.ge(0).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 0, 0}, x.lt(0).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 1}, x.gt(Tensor.scalar(0)).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 0}, x.eq(0).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1, 0}, x.le(0).toFloatArray());
        assertEquals(Float.NaN, Tensor.of(new float[] {Float.NaN}).relu().item(), "relu keeps NaN visible");
        assertArrayEquals(new float[] {1, 0}, Tensor.ofInts(new int[] {3, 4}).eq(Tensor.ofInts(new int[] {3, 5})).toFloatArray());
    }

    @Test
    void reductionsOverAllOrOneDimension() {
        Tensor x = m(1, 5, 3, 4, 2, 6);
        assertEquals(21f, x.sum().item());
        assertEquals(3.5f, x.mean().item());
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0).toFloatArray());
        assertArrayEquals(new int[] {1, 3}, x.sum(0, true).shape());
        assertArrayEquals(new float[] {3, 4}, x.mean(1).toFloatArray());
        Tensor.MaxMin mx = x.max(1, false);
        assertArrayEquals(new float[] {5, 6}, mx.values().toFloatArray());
        assertArrayEquals(new int[] {1, 2}, mx.indices().toIntArray());
        Tensor.MaxMin mn = x.min(0, true);
        assertArrayEquals(new int[] {1, 3}, mn.values().shape());
        assertArrayEquals(new float[] {1, 2, 3}, mn.values().toFloatArray());
        assertArrayEquals(new int[] {0, 1, 0}, mn.indices().toIntArray());
        assertEquals(6f, x.max().item());
        assertEquals(1f, x.min().item());
        assertArrayEquals(new int[] {1, 2}, x.argmax(1).toIntArray());
        assertEquals(5, x.argmax().item());
        assertArrayEquals(new int[] {0}, Tensor.of(new float[] {2, 2, 1}).argmax(0).reshape(1).toIntArray(),
                "the first of equal maxima");
        float lse = (float) Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3));
        assertEquals(lse, x.logsumexp(1).get(0), 1e-6f);
        assertEquals(1000f + (float) Math.log(2), Tensor.of(new float[] {1000, 1000}).logsumexp(0).item(), 1e-3f);
        assertEquals(Float.NEGATIVE_INFINITY, Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY})
                .logsumexp(0).item());
        var e = assertThrows(IndexOutOfBoundsException.class, () -> x.sum(2));
        assertTrue(e.getMessage().contains("dimension 2 is out of range"), e.getMessage());
    }

    @Test
    void matmulAndItsShapeError() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[] {4, 5, 10, 11}, a.matmul(b).toFloatArray());
        assertArrayEquals(new float[] {14, 32, 32, 77}, a.matmul(a.t()).toFloatArray());
        Tensor batch = Tensor.stack(List.of(a, a.mul(2)), 0);
        assertArrayEquals(new float[] {4, 5, 10, 11, 8, 10, 20, 22}, batch.matmul(b).toFloatArray());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(50, 784).matmul(Tensor.zeros(20, 10)));
        assertTrue(e.getMessage().startsWith("matmul: shapes [50, 784] and [20, 10] cannot be multiplied"), e.getMessage());
        Tensor lin = Tensor.linear(a, Tensor.of(new float[] {1, 1, 1}, 1, 3), Tensor.of(new float[] {0.5f}));
        assertArrayEquals(new float[] {6.5f, 15.5f}, lin.toFloatArray());
    }

    /** PyTorch's {@code x[rows, cols]} with two index tensors: the lesson's {@code logp[range(n), y]}. */
    @Test
    void indexingWithTwoIndexTensorsPicksOneElementPerPair() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        Tensor y = Tensor.ofInts(new int[] {3, 0, 2}, 3);
        assertArrayEquals(new float[] {3, 4, 10}, x.index(Tensor.arange(3).toInt(), y).toFloatArray());
        assertArrayEquals(new int[] {3}, x.index(Tensor.arange(3).toInt(), y).shape());
        assertArrayEquals(new float[] {11, 4, 4}, x.index(Tensor.ofInts(new int[] {-1, 1, 1}, 3),
                Tensor.ofInts(new int[] {-1, 0, 0}, 3)).toFloatArray(), "negative indices count from the end, repeats allowed");
        Tensor cube = Tensor.arange(24).reshape(2, 3, 4);
        Tensor rows = Tensor.ofInts(new int[] {1, 0}, 2);
        Tensor cols = Tensor.ofInts(new int[] {2, 1}, 2);
        assertArrayEquals(new float[] {20, 21, 22, 23, 4, 5, 6, 7}, cube.index(rows, cols).toFloatArray(),
                "past rank 2, whole rows of the remaining dimensions");
        var e = assertThrows(IndexOutOfBoundsException.class, () -> x.index(Tensor.arange(3).toInt(),
                Tensor.ofInts(new int[] {0, 4, 1}, 3)));
        assertTrue(e.getMessage().contains("index 4 at position 1 is out of bounds for dimension 1 with size 4"),
                e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> x.index(Tensor.arange(2).toInt(), y));
        assertTrue(e2.getMessage().contains("shapes [2], [3]"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> x.index(Tensor.arange(3), y));
        assertTrue(e3.getMessage().contains("index"), e3.getMessage());
    }

    @Test
    void maxAlongADimensionGivesValuesAndIndices() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 7, 0, 3}, 2, 3);
        Tensor.MaxMin m = x.max(1);
        assertArrayEquals(new float[] {5, 7}, m.values().toFloatArray());
        assertArrayEquals(new int[] {1, 0}, m.indices().toIntArray());
        assertArrayEquals(new int[] {2}, m.values().shape());
    }

    @Test
    void shapesAndViews() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new int[] {6, 4}, x.view(-1, 4).shape());
        assertArrayEquals(new int[] {2, 12}, x.flatten(1, 2).shape());
        assertArrayEquals(new int[] {24}, x.flatten().shape());
        assertArrayEquals(new int[] {2, 1, 3, 4}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {2, 3, 4}, x.unsqueeze(1).squeeze().shape());
        assertArrayEquals(new int[] {2, 3, 4}, x.squeeze(0).shape(), "squeezing a dim of size 2 is a no-op");
        Tensor tr = x.transpose(0, 2);
        assertArrayEquals(new int[] {4, 3, 2}, tr.shape());
        assertEquals(x.get(1, 2, 3), tr.get(3, 2, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1));
        assertTrue(e.getMessage().contains("[5, -1] is invalid for a tensor of shape [2, 3, 4]"), e.getMessage());
    }

    @Test
    void slicingIndexingGatherCatStack() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, x.slice(1, 1, 3).toFloatArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, x.slice(0, -1, 100).toFloatArray());
        assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3}, x.index(2, 0).toFloatArray());
        assertArrayEquals(new float[] {8, 9, 10, 11}, x.index(Tensor.ofInts(new int[] {2})).toFloatArray());
        Tensor y = Tensor.ofInts(new int[] {3, 0, 2}, 3, 1);
        assertArrayEquals(new float[] {3, 4, 10}, x.gather(1, y).toFloatArray());
        var e = assertThrows(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.ofInts(new int[] {0, 4, 1}, 3, 1)));
        assertTrue(e.getMessage().contains("index 4 at position [1, 0] is out of bounds for dimension 1 with size 4"),
                e.getMessage());
        var e2 = assertThrows(IndexOutOfBoundsException.class, () -> x.index(0, 3));
        assertTrue(e2.getMessage().contains("index 3 at position 1"), e2.getMessage());
        Tensor c = Tensor.cat(List.of(x, x.slice(1, 0, 1)), 1);
        assertArrayEquals(new int[] {3, 5}, c.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 0}, c.slice(0, 0, 1).toFloatArray());
        Tensor s = Tensor.stack(List.of(Tensor.ofInts(new int[] {1, 2}), Tensor.ofInts(new int[] {3, 4})), 1);
        assertArrayEquals(new int[] {1, 3, 2, 4}, s.toIntArray());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of(x, x.t()), 0));
        assertTrue(e3.getMessage().contains("[3, 4] at entry 0 and [4, 3] at entry 1"), e3.getMessage());
    }
}
