package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomShiftTest {
    private static final int SIDE = 6;

    /** n flattened 6x6 images of distinct positive pixels, labelled by their index. */
    private static TensorDataset images(int n) {
        float[] x = new float[n * SIDE * SIDE];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i;
        }
        return new TensorDataset(Tensor.wrap(x, n, SIDE * SIDE), Tensor.wrapInts(y, n));
    }

    private static List<float[]> epoch(Dataset<Batch> ds, int workers) {
        DataLoader<Batch> loader = DataLoader.builder(ds).batchSize(8).shuffle(true).generator(new Generator(3))
                .numWorkers(workers).build();
        List<float[]> out = new ArrayList<>();
        for (Batch b : loader) {
            out.add(b.x().toFloatArray());
            out.add(b.y().toFloatArray());
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameBatchesWhateverTheNumberOfWorkers() {
        RandomShift ds = new RandomShift(images(100), new int[] {1, SIDE, SIDE}, 2, 42);
        List<float[]> alone = epoch(ds, 0);
        for (int workers : new int[] {1, 3}) {
            List<float[]> shared = epoch(ds, workers);
            assertEquals(alone.size(), shared.size());
            for (int i = 0; i < alone.size(); i++) {
                assertArrayEquals(alone.get(i), shared.get(i), "batch part " + i + " with " + workers + " workers");
            }
        }
    }

    @Test
    void eachImageIsItsSourceMovedByAtMostTheShiftWithZerosMovedIn() {
        TensorDataset source = images(64);
        int[] indices = new int[64];
        for (int i = 0; i < 64; i++) {
            indices[i] = (i * 37) % 64;
        }
        Batch shifted = new RandomShift(source, new int[] {1, SIDE, SIDE}, 2, 7).getBatch(indices);
        assertArrayEquals(source.getBatch(indices).y().toIntArray(), shifted.y().toIntArray(), "labels pass through");
        float[] in = source.getBatch(indices).x().toFloatArray();
        float[] out = shifted.x().toFloatArray();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < indices.length; i++) {
            int[] d = findShift(in, out, i * SIDE * SIDE, 2);
            assertNotNull(d, "image " + i + " is no shift of its source by at most 2 pixels");
            seen.add(d[0] + "," + d[1]);
        }
        assertTrue(seen.size() >= 15, "64 images drew only the shifts " + seen);
    }

    /** The (dy, dx) with {@code out(y, x) = in(y + dy, x + dx)}, or 0 outside the image; null if none. */
    private static int[] findShift(float[] in, float[] out, int off, int max) {
        for (int dy = -max; dy <= max; dy++) {
            for (int dx = -max; dx <= max; dx++) {
                if (isShift(in, out, off, dy, dx)) {
                    return new int[] {dy, dx};
                }
            }
        }
        return null;
    }

    private static boolean isShift(float[] in, float[] out, int off, int dy, int dx) {
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int sy = y + dy;
                int sx = x + dx;
                boolean inside = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE;
                if (out[off + y * SIDE + x] != (inside ? in[off + sy * SIDE + sx] : 0f)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void newBatchesGetNewShiftsAndAnItemIsShiftedAsInABatchOfItsOwn() {
        RandomShift ds = new RandomShift(images(20), new int[] {1, SIDE, SIDE}, 1, 5);
        float[] a = ds.getBatch(new int[] {0, 1, 2, 3, 4, 5, 6, 7}).x().toFloatArray();
        float[] b = ds.getBatch(new int[] {7, 6, 5, 4, 3, 2, 1, 0}).x().toFloatArray();
        assertTrue(!java.util.Arrays.equals(java.util.Arrays.copyOf(a, SIDE * SIDE),
                java.util.Arrays.copyOfRange(b, 7 * SIDE * SIDE, 8 * SIDE * SIDE))
                || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(a, SIDE * SIDE, 2 * SIDE * SIDE),
                java.util.Arrays.copyOfRange(b, 6 * SIDE * SIDE, 7 * SIDE * SIDE)),
                "the same images in another batch were shifted alike");
        assertArrayEquals(ds.getBatch(new int[] {3}).x().toFloatArray(), ds.get(3).x().toFloatArray());
        assertArrayEquals(new int[] {SIDE * SIDE}, ds.get(3).x().shape());
        assertArrayEquals(ds.getBatch(new int[] {3}).x().toFloatArray(),
                new RandomShift(images(20), new int[] {1, SIDE, SIDE}, 1, 5).getBatch(new int[] {3}).x().toFloatArray(),
                "the same seed and indices give the same shifts");
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        TensorDataset src = images(4);
        assertEquals("RandomShift: maxShift must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class,
                        () -> new RandomShift(src, new int[] {1, SIDE, SIDE}, -1, 0)).getMessage());
        assertEquals("RandomShift: expected an image shape [C, H, W], got [36]",
                assertThrows(IllegalArgumentException.class, () -> new RandomShift(src, new int[] {36}, 1, 0))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new RandomShift(src, new int[] {1, 5, 5}, 1, 0).getBatch(new int[] {0, 1})).getMessage()
                .contains("[2, 36]"));
    }
}
