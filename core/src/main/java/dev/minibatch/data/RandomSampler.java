package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * Random indices of a dataset of size {@code n}, like {@code torch.utils.data.RandomSampler}. Without
 * replacement each epoch is a new permutation; when {@code numSamples} exceeds {@code n} the epoch is
 * whole permutations followed by the start of one more, so every index appears equally often. With
 * replacement each index is drawn independently.
 *
 * <p>Draws come from the given generator, which advances from epoch to epoch. Without one, each epoch
 * draws a seed from {@link Minibatch#defaultGenerator()}, as PyTorch does, so
 * {@link Minibatch#manualSeed} makes the whole run reproducible.
 */
public final class RandomSampler implements Sampler {
    private final int n;
    private final boolean replacement;
    private final int numSamples;
    private final Generator generator;

    /** A new permutation of {@code 0..n-1} every epoch, seeded from the default generator. */
    public RandomSampler(int n) {
        this(n, false, n, null);
    }

    public RandomSampler(int n, Generator generator) {
        this(n, false, n, generator);
    }

    /**
     * @param numSamples indices per epoch (PyTorch's default is {@code n})
     * @param generator  the source of randomness, or null to seed each epoch from the default generator
     */
    public RandomSampler(int n, boolean replacement, int numSamples, Generator generator) {
        if (n < 0) {
            throw new IllegalArgumentException("RandomSampler: size must be non-negative, got " + n);
        }
        if (numSamples <= 0) {
            throw new IllegalArgumentException("num_samples should be a positive integer value, but got num_samples="
                    + numSamples);
        }
        if (n == 0) {
            throw new IllegalArgumentException("RandomSampler: cannot draw " + numSamples
                    + " samples from an empty dataset");
        }
        this.n = n;
        this.replacement = replacement;
        this.numSamples = numSamples;
        this.generator = generator;
    }

    @Override
    public int size() {
        return numSamples;
    }

    @Override
    public PrimitiveIterator.OfInt iterator() {
        Generator g = generator != null ? generator : Seeds.fromDefault();
        return replacement ? new WithReplacement(g) : new Permutations(g);
    }

    /** Independent uniform draws. */
    private final class WithReplacement implements PrimitiveIterator.OfInt {
        private final Generator g;
        private int done;

        WithReplacement(Generator g) {
            this.g = g;
        }

        @Override
        public boolean hasNext() {
            return done < numSamples;
        }

        @Override
        public int nextInt() {
            if (done >= numSamples) {
                throw new NoSuchElementException();
            }
            done++;
            return g.nextInt(n);
        }
    }

    /** Consecutive permutations, a new one every {@code n} indices. */
    private final class Permutations implements PrimitiveIterator.OfInt {
        private final Generator g;
        private int[] perm;
        private int done;

        Permutations(Generator g) {
            this.g = g;
        }

        @Override
        public boolean hasNext() {
            return done < numSamples;
        }

        @Override
        public int nextInt() {
            if (done >= numSamples) {
                throw new NoSuchElementException();
            }
            int k = done++ % n;
            if (k == 0) {
                perm = g.permutation(n);
            }
            return perm[k];
        }
    }
}
