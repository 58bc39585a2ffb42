package dev.minibatch.tensor;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The arrays of interior nodes' gradients, kept per thread from one backward pass to the next. Once a node's
 * backward has run, its gradient is dead: no op keeps it ({@link Tensor#accumulateGrad} copies what it keeps),
 * and interior gradients are never handed out. A training step's next pass then takes the same sizes again,
 * already in cache, where a new array is zeroed by the allocating thread while the kernel threads wait: the
 * anchor CNN's step allocated about 6 MB of them. A taken array holds old values, which {@link Tensor.GradOut}
 * allows (its {@code accumulate} is false, so the first writer overwrites every element).
 */
final class GradBuffers {
    /** At most this many floats are kept per thread (64 MB), the most recently given first. */
    static final long MAX_FLOATS = 16L << 20;
    private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

    private GradBuffers() {
    }

    /** An array of exactly {@code size} floats: one given back on this thread, or a new one. */
    static float[] take(int size) {
        return POOL.get().take(size);
    }

    /** Gives a dead gradient back for this thread's later passes. */
    static void give(float[] array) {
        POOL.get().give(array);
    }

    private static final class Pool {
        private final ArrayDeque<float[]> arrays = new ArrayDeque<>();
        private long floats;

        float[] take(int size) {
            for (Iterator<float[]> it = arrays.iterator(); it.hasNext(); ) {
                float[] a = it.next();
                if (a.length == size) {
                    it.remove();
                    floats -= size;
                    return a;
                }
            }
            return new float[size];
        }

        void give(float[] array) {
            if (array.length > MAX_FLOATS) {
                return;
            }
            arrays.addFirst(array);
            floats += array.length;
            while (floats > MAX_FLOATS) {
                floats -= arrays.removeLast().length;
            }
        }
    }
}
