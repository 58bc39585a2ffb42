package dev.minibatch.tensor;

/** Global settings, like the {@code torch} module's: the default generator, threads and print options. */
public final class Minibatch {
    private static final Generator DEFAULT = new Generator(0);

    private Minibatch() {
    }

    /** Seeds the default generator, used by every random op that is not given its own. */
    public static void manualSeed(long seed) {
        DEFAULT.manualSeed(seed);
    }

    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /**
     * Like {@code torch.set_num_threads}: how many threads the kernels may use for a large matrix product
     * (small ones always run on the calling thread). The default is the number of available processors,
     * or {@code -Dminibatch.threads=N}. Results are the same, bit for bit, for any number of threads.
     */
    public static void setNumThreads(int threads) {
        Parallel.setThreads(threads);
    }

    public static int getNumThreads() {
        return Parallel.threads();
    }

    /**
     * The kernels in use: {@code "vector"} (the Vector API, when {@code --add-modules jdk.incubator.vector}
     * is given) or {@code "plain"}; {@code -Dminibatch.kernels=plain|vector} forces one.
     */
    public static String kernels() {
        return Kernels.get().name();
    }

    /** Like {@code torch.set_printoptions(precision=...)}: digits after the point in printed tensors. */
    public static void setPrintPrecision(int precision) {
        TensorFormat.setPrecision(precision);
    }
}
