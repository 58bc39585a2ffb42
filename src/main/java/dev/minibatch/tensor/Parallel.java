package dev.minibatch.tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The kernels' threads: a small pool of daemon workers, reused across calls, that helps the calling thread
 * run a fixed list of tasks. Kernels cut their work into tasks by the shape of the data alone, never by
 * the thread count, and each output element is written by exactly one task; so results are the same,
 * bit for bit, whatever the number of threads and whichever thread runs which task.
 */
final class Parallel {
    static final String THREADS_PROPERTY = "minibatch.threads";

    private static volatile int threads = initialThreads();
    private static ThreadPoolExecutor pool;

    private Parallel() {
    }

    static int threads() {
        return threads;
    }

    static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of threads must be at least 1, got " + n);
        }
        threads = n;
        if (pool != null) {
            resize(pool, n - 1);
        }
    }

    /**
     * Runs {@code task.accept(i)} once for every {@code i} in {@code [0, count)} and returns when all are
     * done. The caller works too, so with one thread (or one task) nothing is handed to the pool. The
     * caller never waits for a worker to start: if the pool is busy, it runs the tasks itself.
     */
    static void forEach(int count, IntConsumer task) {
        int helpers = Math.min(threads, count) - 1;
        if (helpers <= 0) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        Batch batch = new Batch(count, task);
        ThreadPoolExecutor p = pool(helpers);
        for (int h = 0; h < helpers; h++) {
            p.execute(batch::work);
        }
        batch.work();
        batch.await();
    }

    private static synchronized ThreadPoolExecutor pool(int helpers) {
        if (pool == null) {
            pool = new ThreadPoolExecutor(helpers, helpers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "minibatch-kernel");
                        t.setDaemon(true);
                        return t;
                    });
        } else if (pool.getCorePoolSize() < helpers) {
            resize(pool, helpers);
        }
        return pool;
    }

    private static void resize(ThreadPoolExecutor p, int size) {
        int n = Math.max(1, size);
        if (n > p.getMaximumPoolSize()) {
            p.setMaximumPoolSize(n);
            p.setCorePoolSize(n);
        } else {
            p.setCorePoolSize(n);
            p.setMaximumPoolSize(n);
        }
    }

    private static int initialThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + v + ": expected a whole number >= 1");
    }

    /** One {@link #forEach} call: tasks are claimed from a shared counter until none is left. */
    private static final class Batch {
        private final int count;
        private final IntConsumer task;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Batch(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
            this.done = new CountDownLatch(count);
        }

        void work() {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        task.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        }

        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("a kernel task failed", t);
            }
        }
    }
}
