package dev.minibatch.tensor;

/**
 * Per-thread scratch arrays for values that live within one kernel call or one backward closure and are
 * never handed out: reusing them spares the training step an allocation, and the zeroing of it, per op.
 */
final class Scratch {
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);

    private Scratch() {
    }

    /** An array of at least {@code size} floats, with unspecified contents. */
    static float[] floats(int size) {
        float[] s = FLOATS.get();
        if (s.length < size) {
            s = new float[size];
            FLOATS.set(s);
        }
        return s;
    }
}
