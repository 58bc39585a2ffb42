package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Light augmentation: each image of a batch moved by a random whole number of pixels, up to {@code maxShift}
 * in each direction, the pixels moved in from outside being 0; like torchvision's {@code RandomCrop(size,
 * padding=maxShift)}. It wraps a dataset of {@link Batch}es whose inputs are images of {@code imageShape}
 * ({@code [C, H, W]}), flattened or not; the other tensors pass through.
 *
 * <p>The shifts of a batch are drawn from a generator seeded by {@code seed} and the batch's indices, in
 * order: so a loader's worker threads, which fetch batches in any order, give the same batches as the
 * training thread alone, and a shuffled epoch's batches get new shifts.
 */
public final class RandomShift implements Dataset<Batch> {
    private final Dataset<Batch> source;
    private final int channels;
    private final int height;
    private final int width;
    private final int maxShift;
    private final long seed;

    public RandomShift(Dataset<Batch> source, int[] imageShape, int maxShift, long seed) {
        if (imageShape.length != 3 || Arrays.stream(imageShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("RandomShift: expected an image shape [C, H, W], got "
                    + Arrays.toString(imageShape));
        }
        if (maxShift < 0) {
            throw new IllegalArgumentException("RandomShift: maxShift must be >= 0, got " + maxShift);
        }
        this.source = source;
        this.channels = imageShape[0];
        this.height = imageShape[1];
        this.width = imageShape[2];
        this.maxShift = maxShift;
        this.seed = seed;
    }

    @Override
    public int size() {
        return source.size();
    }

    /** One item, shifted as it would be in a batch of its index alone. */
    @Override
    public Batch get(int index) {
        Batch b = getBatch(new int[] {index});
        List<Tensor> item = new ArrayList<>();
        for (Tensor t : b.tensors()) {
            item.add(t.squeeze(0));
        }
        return new Batch(item);
    }

    @Override
    public Batch getBatch(int[] indices) {
        Batch b = source.getBatch(indices);
        Tensor x = b.x();
        int plane = height * width;
        if (x.numel() != indices.length * channels * plane) {
            throw new IllegalArgumentException("RandomShift: a batch of " + indices.length + " images of shape ["
                    + channels + ", " + height + ", " + width + "] cannot have inputs of shape "
                    + Arrays.toString(x.shape()));
        }
        float[] in = x.storage();
        float[] out = new float[in.length];
        Generator g = new Generator(mix(seed, indices));
        for (int i = 0; i < indices.length; i++) {
            int dy = g.nextInt(2 * maxShift + 1) - maxShift;
            int dx = g.nextInt(2 * maxShift + 1) - maxShift;
            for (int c = 0; c < channels; c++) {
                int off = (i * channels + c) * plane;
                shift(in, out, off, dy, dx);
            }
        }
        List<Tensor> tensors = new ArrayList<>(b.tensors());
        tensors.set(0, Tensor.wrap(out, x.shape()));
        return new Batch(tensors);
    }

    /** {@code out(y, x) = in(y + dy, x + dx)} within one plane, 0 where that falls outside. */
    private void shift(float[] in, float[] out, int off, int dy, int dx) {
        int x0 = Math.max(0, -dx);
        int x1 = Math.min(width, width - dx);
        for (int y = Math.max(0, -dy), y1 = Math.min(height, height - dy); y < y1; y++) {
            System.arraycopy(in, off + (y + dy) * width + x0 + dx, out, off + y * width + x0, x1 - x0);
        }
    }

    /** A seed for one batch: {@code seed} and every index, in order, through SplitMix64's finaliser. */
    private static long mix(long seed, int[] indices) {
        long h = seed;
        for (int i : indices) {
            h = (h ^ i) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
        }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
