package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The sequence a seed gives, and sharing one generator between threads. */
class GeneratorTest {
    private static final int DRAWS = 50_000;

    @Test
    void aSeedGivesTheSameSequenceAsEver() {
        // Checkpoints and the reference tests depend on these exact numbers.
        Generator g = new Generator(42);
        assertEquals(0x15780b2e0c2ec716L, g.nextLong());
        assertEquals(0x6104d9866d113a7eL, g.nextLong());
        assertEquals(0.6800434f, g.nextFloat());
        assertEquals(9, g.nextInt(10));
        assertEquals(0.015871294f, g.nextGaussian());
        assertArrayEquals(new int[] {3, 1, 0, 6, 2, 4, 7, 5}, g.permutation(8));
        assertArrayEquals(new float[] {-0.3641406f, -0.3792717f, -0.14954221f}, Tensor.randn(g, 3).toFloatArray());
        assertArrayEquals(new int[] {70, 9, 17, 43}, Tensor.randint(g, 0, 100, 4).toIntArray());
    }

    @Test
    void twoThreadsDrawTheSameNumbersAsOneThreadDrawingTwiceAsMany() throws Exception {
        long[] sequential = new long[2 * DRAWS];
        Generator alone = new Generator(5);
        for (int i = 0; i < sequential.length; i++) {
            sequential[i] = alone.nextLong();
        }
        Generator shared = new Generator(5);
        List<long[]> drawn = inTwoThreads(() -> {
            long[] mine = new long[DRAWS];
            for (int i = 0; i < DRAWS; i++) {
                mine[i] = shared.nextLong();
            }
            return mine;
        });
        long[] both = new long[2 * DRAWS];
        System.arraycopy(drawn.get(0), 0, both, 0, DRAWS);
        System.arraycopy(drawn.get(1), 0, both, DRAWS, DRAWS);
        Arrays.sort(both);
        Arrays.sort(sequential);
        assertArrayEquals(sequential, both, "no state lost or repeated");
    }

    @Test
    void aPermutationDrawsItsNumbersAsOneRun() throws Exception {
        assertRunsAreWhole(g -> g.permutation(10_000));
    }

    @Test
    void aRandomTensorDrawsItsNumbersAsOneRun() throws Exception {
        assertRunsAreWhole(g -> Tensor.randint(g, 0, 1 << 30, 10_000).toIntArray());
        assertRunsAreWhole(g -> Tensor.rand(g, 10_000).mul(1 << 24).toIntArray());
    }

    /**
     * Two threads each make 50 compound draws from one generator: together they must give the 100 draws one
     * thread makes in a row, in some order, which they do only if no draw's numbers interleave with another's.
     */
    private static void assertRunsAreWhole(Function<Generator, int[]> draw) throws Exception {
        int rounds = 50;
        Generator alone = new Generator(9);
        List<int[]> sequential = new ArrayList<>();
        for (int i = 0; i < 2 * rounds; i++) {
            sequential.add(draw.apply(alone));
        }
        Generator shared = new Generator(9);
        List<List<int[]>> drawn = inTwoThreads(() -> {
            List<int[]> mine = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                mine.add(draw.apply(shared));
            }
            return mine;
        });
        List<int[]> both = new ArrayList<>(drawn.get(0));
        both.addAll(drawn.get(1));
        Comparator<int[]> order = Arrays::compare;
        both.sort(order);
        sequential.sort(order);
        for (int i = 0; i < both.size(); i++) {
            assertArrayEquals(sequential.get(i), both.get(i), "each draw is a run of the single-thread sequence");
        }
    }

    @Test
    void getStateNeverSeesHalfOfASetState() throws Exception {
        Generator shared = new Generator(0);
        long[] a = {1, 2, 3, 4, 5};
        long[] b = {6, 7, 8, 9, 10};
        AtomicBoolean torn = new AtomicBoolean();
        inTwoThreads(() -> {
            for (int i = 0; i < DRAWS; i++) {
                if (Thread.currentThread().getName().endsWith("-1")) {
                    shared.setState(i % 2 == 0 ? a : b);
                } else {
                    long[] s = shared.getState();
                    if (!Arrays.equals(s, a) && !Arrays.equals(s, b) && !Arrays.equals(s, new Generator(0).getState())) {
                        torn.set(true);
                    }
                }
            }
            return null;
        });
        assertFalse(torn.get(), "a state read while another thread set one was a mix of both");
    }

    /** Runs {@code task} on two threads started together; returns their results. */
    private static <T> List<T> inTwoThreads(Callable<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2, new java.util.concurrent.ThreadFactory() {
            private int count;

            @Override
            public synchronized Thread newThread(Runnable r) {
                return new Thread(r, "generator-test-" + ++count);
            }
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
