package dev.minibatch.tensor;

/**
 * Per-thread scratch arrays for values that live within one kernel call or one backward closure and are
 * never handed out: reusing them spares the training step an allocation, and the zeroing of it, per op.
 * Each user holds its own {@link #perThread} slot, so that two uses alive at once never share an array.
 */
final class Scratch {
    private Scratch() {
    }

    /** A new slot: one array per thread, grown on demand. */
    static ThreadLocal<float[]> perThread() {
        return ThreadLocal.withInitial(() -> new float[0]);
    }

    /** This thread's array in {@code slot}, of at least {@code size} floats, with unspecified contents. */
    static float[] floats(ThreadLocal<float[]> slot, int size) {
        float[] s = slot.get();
        if (s.length < size) {
            s = new float[size];
            slot.set(s);
        }
        return s;
    }
}
