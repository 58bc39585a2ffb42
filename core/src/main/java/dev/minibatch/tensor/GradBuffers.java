package dev.minibatch.tensor;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * The arrays of interior nodes' gradients, kept per thread from one backward pass to the next. Once a node's
 * backward has run, its gradient is dead: no op keeps it ({@link Tensor#accumulateGrad} copies what it keeps),
 * and interior gradients are never handed out. A training step's next pass then takes the same sizes again,
 * already in cache, where a new array is zeroed by the allocating thread while the kernel threads wait: the
 * anchor CNN's step allocated about 6 MB of them. A taken array holds old values, which {@link Tensor.GradOut}
 * allows (its {@code accumulate} is false, so the first writer overwrites every element).
 */
final class GradBuffers {
    /** At most this many floats, or ints, are kept per thread in each pool (64 MB), the most recently given first. */
    static final long MAX_ELEMENTS = 16L << 20;
    private static final ThreadLocal<Pool<float[]>> FLOATS =
            ThreadLocal.withInitial(() -> new Pool<>(float[]::new, a -> a.length));
    /**
     * The index arrays an op keeps for its backward alone (a max pooling's argmax): dead once that backward has
     * run, as the graph is released with it. The anchor CNN's poolings zeroed 1.2 MB of them a step.
     */
    private static final ThreadLocal<Pool<int[]>> INTS =
            ThreadLocal.withInitial(() -> new Pool<>(int[]::new, a -> a.length));

    private GradBuffers() {
    }

    /** An array of exactly {@code size} floats: one given back on this thread, or a new one. */
    static float[] take(int size) {
        return FLOATS.get().take(size);
    }

    /** Gives a dead gradient back for this thread's later passes. */
    static void give(float[] array) {
        FLOATS.get().give(array);
    }

    /** An array of exactly {@code size} ints, its contents unspecified: one given back on this thread, or new. */
    static int[] takeInts(int size) {
        return INTS.get().take(size);
    }

    /** Gives back an index array that no backward will read any more. */
    static void giveInts(int[] array) {
        INTS.get().give(array);
    }

    private static final class Pool<A> {
        private final ArrayDeque<A> arrays = new ArrayDeque<>();
        private final IntFunction<A> create;
        private final ToIntFunction<A> length;
        private long elements;

        Pool(IntFunction<A> create, ToIntFunction<A> length) {
            this.create = create;
            this.length = length;
        }

        A take(int size) {
            for (Iterator<A> it = arrays.iterator(); it.hasNext(); ) {
                A a = it.next();
                if (length.applyAsInt(a) == size) {
                    it.remove();
                    elements -= size;
                    return a;
                }
            }
            return create.apply(size);
        }

        void give(A array) {
            int size = length.applyAsInt(array);
            if (size > MAX_ELEMENTS) {
                return;
            }
            arrays.addFirst(array);
            elements += size;
            while (elements > MAX_ELEMENTS) {
                elements -= length.applyAsInt(arrays.removeLast());
            }
        }
    }
}
