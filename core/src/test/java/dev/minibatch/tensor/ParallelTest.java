package dev.minibatch.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernels' thread pool: every task once, really in parallel, failures passed on, settable size. */
class ParallelTest {
    private final int threadsBefore = Minibatch.getNumThreads();

    @AfterEach
    void restoreThreads() {
        Minibatch.setNumThreads(threadsBefore);
    }

    @Test
    void everyTaskRunsExactlyOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            Minibatch.setNumThreads(threads);
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            Parallel.forEach(1000, runs::incrementAndGet);
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, runs.get(i), "task " + i + " with " + threads + " threads");
            }
        }
    }

    @Test
    void twoThreadsRunTwoTasksAtOnce() {
        Minibatch.setNumThreads(2);
        // Each task waits for the other: this only completes if both run at the same time.
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        Set<String> names = ConcurrentHashMap.newKeySet();
        Parallel.forEach(2, t -> {
            names.add(Thread.currentThread().getName());
            try {
                bothRunning.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the two tasks did not run at the same time", e);
            }
        });
        assertEquals(2, names.size(), names.toString());
    }

    @Test
    void oneThreadRunsEverythingOnTheCaller() {
        Minibatch.setNumThreads(1);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Parallel.forEach(50, t -> seen.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), seen);
    }

    @Test
    void aFailingTaskFailsTheCallWithItsException() {
        Minibatch.setNumThreads(2);
        IllegalStateException boom = new IllegalStateException("task 7 failed");
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(20, t -> {
            if (t == 7) {
                throw boom;
            }
        }));
        assertSame(boom, e);
    }

    @Test
    void theThreadCountMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> Minibatch.setNumThreads(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        Minibatch.setNumThreads(3);
        assertEquals(3, Minibatch.getNumThreads());
    }
}
