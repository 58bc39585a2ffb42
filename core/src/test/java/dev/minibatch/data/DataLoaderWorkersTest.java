package dev.minibatch.data;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.minibatch.data.DataLoaderTest.indices;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderWorkersTest {
    static Set<Thread> liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("minibatch-loader-")).collect(Collectors.toSet());
    }

    static long workerThreads() {
        return liveWorkers().size();
    }

    @AfterEach
    void noWorkerOutlivesATest() throws InterruptedException {
        awaitNoWorkers();
    }

    /** Idle workers end by themselves after a second; wait a few times that at most. */
    private static void awaitNoWorkers() throws InterruptedException {
        for (int i = 0; i < 100 && workerThreads() > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, workerThreads(), "worker threads left behind");
    }

    /** Batches whose items take varying time, so that workers finish out of order. */
    private static final class Jittery implements Dataset<Batch> {
        final TensorDataset inner = indices(400);
        final AtomicInteger fetched = new AtomicInteger();
        final int failAt;

        Jittery(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public Batch get(int i) {
            return inner.get(i);
        }

        @Override
        public Batch getBatch(int[] indices) {
            fetched.incrementAndGet();
            for (int i : indices) {
                if (i == failAt) {
                    throw new IllegalStateException("item " + i + " is unreadable");
                }
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.getBatch(indices);
        }
    }

    @Test
    void deliversBatchesInOrderWhenWorkersFinishOutOfOrder() {
        DataLoader<Batch> loader = DataLoader.builder(new Jittery(-1)).batchSize(10).numWorkers(4).build();
        int next = 0;
        for (Batch b : loader) {
            for (int v : b.x().toIntArray()) {
                assertEquals(next++, v);
            }
        }
        assertEquals(400, next);
    }

    @Test
    void prefetchIsBoundedByPrefetchFactorTimesWorkers() throws InterruptedException {
        Jittery ds = new Jittery(-1);
        DataLoader<Batch> loader = DataLoader.builder(ds).batchSize(4).numWorkers(2).prefetchFactor(3).build();
        int delivered = 0;
        for (Batch ignored : loader) {
            delivered++;
            Thread.sleep(1);
            assertTrue(ds.fetched.get() <= delivered + 6, ds.fetched.get() + " fetched after " + delivered);
        }
        assertEquals(100, delivered);
    }

    @Test
    void workerExceptionReachesTheLoopWithItsCause() throws InterruptedException {
        DataLoader<Batch> loader = DataLoader.builder(new Jittery(123)).batchSize(10).numWorkers(2).build();
        int seen = 0;
        DataLoaderException e = null;
        try {
            for (Batch ignored : loader) {
                seen++;
            }
        } catch (DataLoaderException thrown) {
            e = thrown;
        }
        assertTrue(e != null, "the failure reached the loop");
        assertEquals(12, seen, "batches before the failing one are delivered");
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("item 123 is unreadable", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("batch 12"), e.getMessage());
        assertEquals(0, workerThreads(), "a failed epoch stops its workers at once");
    }

    @Test
    void withoutWorkersTheExceptionIsThrownAsItIs() {
        DataLoader<Batch> loader = DataLoader.builder(new Jittery(5)).batchSize(10).build();
        var e = assertThrows(IllegalStateException.class, () -> loader.forEach(b -> { }));
        assertEquals("item 5 is unreadable", e.getMessage());
    }

    @Test
    void breakThenANewEpochLeavesNoThreadOfTheFirst() {
        DataLoader<Batch> loader = DataLoader.builder(indices(1000)).batchSize(10).numWorkers(3).build();
        Set<Thread> firstEpoch = Set.of();
        for (Batch b : loader) {
            firstEpoch = liveWorkers();
            break;
        }
        assertFalse(firstEpoch.isEmpty());
        BatchIterator<Batch> second = loader.iterator();
        for (Thread t : firstEpoch) {
            assertFalse(t.isAlive(), t.getName() + " of the first epoch still runs");
        }
        second.close();
        assertEquals(0, workerThreads());
    }

    @Test
    void closingAnEpochLeftEarlyStopsItsWorkers() {
        DataLoader<Batch> loader = DataLoader.builder(indices(1000)).batchSize(10).numWorkers(2).build();
        try (BatchIterator<Batch> it = loader.iterator()) {
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, it.next().x().toIntArray());
        }
        assertEquals(0, workerThreads());
    }

    @Test
    void anExhaustedEpochStopsItsWorkers() {
        DataLoader<Batch> loader = DataLoader.builder(indices(100)).batchSize(10).numWorkers(2).build();
        loader.forEach(b -> { });
        assertEquals(0, workerThreads());
    }

    @Test
    void anAbandonedEpochsWorkersEndOnceIdle() throws InterruptedException {
        DataLoader<Batch> loader = DataLoader.builder(indices(1000)).batchSize(10).numWorkers(2).build();
        for (Batch b : loader) {
            break;
        }
        awaitNoWorkers();
    }

    @Test
    void anIteratorReplacedByANewEpochRefusesToContinue() {
        DataLoader<Batch> loader = DataLoader.builder(indices(100)).batchSize(10).numWorkers(1).build();
        BatchIterator<Batch> first = loader.iterator();
        first.next();
        try (BatchIterator<Batch> second = loader.iterator()) {
            var e = assertThrows(IllegalStateException.class, first::next);
            assertTrue(e.getMessage().contains("new epoch"), e.getMessage());
            assertFalse(second.next().x().toIntArray().length == 0);
        }
    }

    @Test
    void workersCollateTooWhenGivenACollate() {
        DataLoader<Object> loader = DataLoader.builder(indices(30)).batchSize(8).numWorkers(2)
                .collate(Collate.defaultCollate()).build();
        int n = 0;
        for (Object b : loader) {
            Tensor x = ((Batch) b).x();
            n += x.size(0);
        }
        assertEquals(30, n);
        assertEquals(0, workerThreads());
    }
}
