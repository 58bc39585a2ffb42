package dev.minibatch.data;

import dev.minibatch.tensor.Generator;

import java.util.Arrays;
import java.util.PrimitiveIterator;

/**
 * One replica's share of a dataset of size {@code n}, like {@code torch.utils.data.distributed.DistributedSampler}:
 * with {@code numReplicas} processes training data-parallel, each takes every {@code numReplicas}-th index of
 * one common order, starting at its {@code rank}, so the replicas see disjoint parts of the epoch. Every
 * replica gets the same number of indices, and so takes the same number of steps: the common order is
 * padded by repeating its start (the epoch then holds a few samples twice), or with {@code dropLast} cut
 * to a multiple of {@code numReplicas}.
 *
 * <p>With {@code shuffle} the common order is a permutation drawn from a generator seeded with
 * {@code seed + epoch}, so every replica draws the same one without communicating; call {@link #setEpoch}
 * before each epoch, or every epoch repeats the first one's order.
 */
public final class DistributedSampler implements Sampler {
    private final int n;
    private final int numReplicas;
    private final int rank;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int numSamples;
    private volatile int epoch;

    /** PyTorch's defaults: shuffled, seed 0, the last samples padded rather than dropped. */
    public DistributedSampler(int n, int numReplicas, int rank) {
        this(n, numReplicas, rank, true, 0, false);
    }

    /**
     * @param n           the dataset's size
     * @param numReplicas the number of processes training together
     * @param rank        this process's rank, in {@code [0, numReplicas - 1]}
     * @param seed        the same on every replica, so that they draw the same order
     * @param dropLast    drop the tail that does not divide evenly instead of padding the order
     */
    public DistributedSampler(int n, int numReplicas, int rank, boolean shuffle, long seed, boolean dropLast) {
        if (n < 0) {
            throw new IllegalArgumentException("DistributedSampler: size must be non-negative, got " + n);
        }
        if (numReplicas < 1) {
            throw new IllegalArgumentException("DistributedSampler: num_replicas must be positive, got " + numReplicas);
        }
        if (rank < 0 || rank >= numReplicas) {
            throw new IllegalArgumentException("Invalid rank " + rank + ", rank should be in the interval [0, "
                    + (numReplicas - 1) + "]");
        }
        this.n = n;
        this.numReplicas = numReplicas;
        this.rank = rank;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.numSamples = dropLast && n % numReplicas != 0 ? n / numReplicas : ceilDiv(n, numReplicas);
    }

    private static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }

    /** The epoch whose order the next {@link #iterator()} draws; the same on every replica. */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    public int epoch() {
        return epoch;
    }

    /** The indices one replica gets per epoch: {@code ceil(n / numReplicas)}, or the floor with dropLast. */
    @Override
    public int size() {
        return numSamples;
    }

    /** The length of the common order all replicas share: {@code size() * numReplicas}. */
    public int totalSize() {
        return numSamples * numReplicas;
    }

    @Override
    public PrimitiveIterator.OfInt iterator() {
        int[] order = commonOrder();
        int[] mine = new int[numSamples];
        for (int i = 0; i < numSamples; i++) {
            mine[i] = order[rank + i * numReplicas];
        }
        return Arrays.stream(mine).iterator();
    }

    /** The epoch's order over all replicas, padded with its own start (repeated if need be) or cut. */
    private int[] commonOrder() {
        int[] order = shuffle ? new Generator(seed + epoch).permutation(n) : identity(n);
        int total = totalSize();
        if (total <= n) {
            return order;
        }
        int[] padded = Arrays.copyOf(order, total);
        for (int i = n; i < total; i++) {
            padded[i] = order[(i - n) % n];
        }
        return padded;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return order;
    }
}
