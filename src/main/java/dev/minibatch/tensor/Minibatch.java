package dev.minibatch.tensor;

/** Global settings, like the {@code torch} module's: the default generator and print options. */
public final class Minibatch {
    private static final Generator DEFAULT = new Generator(0);

    private Minibatch() {
    }

    /** Seeds the default generator, used by every random op that is not given its own. */
    public static void manualSeed(long seed) {
        synchronized (DEFAULT) {
            DEFAULT.manualSeed(seed);
        }
    }

    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /** Like {@code torch.set_printoptions(precision=...)}: digits after the point in printed tensors. */
    public static void setPrintPrecision(int precision) {
        TensorFormat.setPrecision(precision);
    }
}
