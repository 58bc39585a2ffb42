package dev.minibatch.tensor;

/**
 * A seedable source of random numbers: xoshiro256** seeded through SplitMix64. The algorithm is fixed
 * here rather than taken from {@code java.util}, so that the same seed gives the same numbers on every
 * JVM and machine, and its state can be saved in a checkpoint and restored.
 *
 * <p>Safe to share between threads: every method holds this generator's lock, so concurrent callers never
 * lose or repeat a state, and a compound draw ({@link #permutation}, a random tensor) takes its numbers as one
 * consecutive run of the sequence, never interleaved with another thread's.
 */
public final class Generator {
    private final long[] s = new long[4];
    private long seed;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /** Re-seeds this generator, like {@code torch.Generator.manual_seed}. */
    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        long x = seed;
        for (int i = 0; i < 4; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            s[i] = z ^ (z >>> 31);
        }
        return this;
    }

    public synchronized long initialSeed() {
        return seed;
    }

    /** The full state, to be restored with {@link #setState(long[])}. */
    public synchronized long[] getState() {
        return new long[] {s[0], s[1], s[2], s[3], seed};
    }

    public synchronized void setState(long[] state) {
        if (state.length != 5) {
            throw new IllegalArgumentException("generator state must hold 5 longs, got " + state.length);
        }
        System.arraycopy(state, 0, s, 0, 4);
        seed = state[4];
    }

    public synchronized long nextLong() {
        long result = Long.rotateLeft(s[1] * 5, 7) * 9;
        long t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = Long.rotateLeft(s[3], 45);
        return result;
    }

    /** Uniform in [0, 1), with 24 random bits: every float32 value of that grid is equally likely. */
    public synchronized float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1), with 53 random bits. */
    public synchronized double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), without modulo bias (Lemire's method). */
    public synchronized int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Standard normal by Box-Muller; both values are not cached, so the state stays five longs. */
    public synchronized float nextGaussian() {
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0);
        double u2 = nextDouble();
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public synchronized int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Fills {@code out} with {@link #nextFloat()} draws, as one run. */
    synchronized void fillUniform(float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = nextFloat();
        }
    }

    /** Fills {@code out} with {@link #nextGaussian()} draws, as one run. */
    synchronized void fillNormal(float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = nextGaussian();
        }
    }

    /** Fills {@code out} with uniform integers in [low, high), as one run. */
    synchronized void fillInts(int[] out, int low, int high) {
        for (int i = 0; i < out.length; i++) {
            out[i] = low + nextInt(high - low);
        }
    }
}
