package dev.minibatch.tensor;

import java.io.PrintStream;

/**
 * Picks the kernels once, on first use: the Vector API ones when the {@code jdk.incubator.vector} module
 * is in the boot layer (the launcher, the tests and the benchmarks add it), else the plain ones.
 * {@code -Dminibatch.kernels=plain|vector} forces a choice. {@link VectorKernels} is only named through
 * reflection, so that a JVM without the module never loads a class that refers to it. Falling back to the
 * plain kernels is said once on stderr: the library prints nothing else, but a user who forgot the flag
 * would otherwise only see a run three times slower than it should be.
 */
final class KernelsHolder {
    static final String PROPERTY = "minibatch.kernels";
    static final String PLAIN_WARNING = "Minibatch: running on the plain-Java kernels, about 3x slower: add "
            + "--add-modules jdk.incubator.vector to the java command";
    static final Kernels INSTANCE = select(System.getProperty(PROPERTY, "auto"));

    private KernelsHolder() {
    }

    static Kernels select(String choice) {
        return select(choice, ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), System.err);
    }

    static Kernels select(String choice, boolean vectorPresent, PrintStream warnings) {
        switch (choice) {
            case "plain":
                return new PlainKernels();
            case "vector":
                if (!vectorPresent) {
                    throw new IllegalStateException("-D" + PROPERTY + "=vector needs the Vector API: run java "
                            + "with --add-modules jdk.incubator.vector");
                }
                return vector();
            case "auto":
                if (vectorPresent) {
                    return vector();
                }
                warnings.println(PLAIN_WARNING);
                return new PlainKernels();
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + choice
                        + ": expected plain, vector or auto");
        }
    }

    private static Kernels vector() {
        try {
            return (Kernels) Class.forName("dev.minibatch.tensor.VectorKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Vector API kernels", e);
        }
    }
}
