package dev.minibatch.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The kernels' threads: a few daemon workers, reused across calls, that help the calling thread run a
 * fixed list of tasks. Kernels cut their work into tasks by the shape of the data alone, never by the
 * thread count, and each output element is written by exactly one task; so results are the same, bit
 * for bit, whatever the number of threads and whichever thread runs which task.
 *
 * <p>Waking a parked thread takes 15-50 µs here, as long as a whole mid-sized matrix product, so a worker
 * that has just finished spins for a while ({@link #SPIN_NANOS}) before parking: the products of one
 * training step follow each other within microseconds. Like OpenMP's spin-then-sleep wait policy.
 */
final class Parallel {
    static final String THREADS_PROPERTY = "minibatch.threads";
    private static final long SPIN_NANOS = 200_000L;

    private static final ConcurrentLinkedQueue<Batch> QUEUE = new ConcurrentLinkedQueue<>();
    private static final List<Worker> WORKERS = new ArrayList<>();
    private static volatile int threads = initialThreads();

    private Parallel() {
    }

    static int threads() {
        return threads;
    }

    static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of threads must be at least 1, got " + n);
        }
        threads = n;
    }

    /**
     * Runs {@code task.accept(i)} once for every {@code i} in {@code [0, count)} and returns when all are
     * done. The caller works too, so with one thread (or one task) nothing is handed over; and it never
     * waits for a worker to start: tasks no worker has claimed, it runs itself.
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
        for (int h = 0; h < helpers; h++) {
            QUEUE.offer(batch);
        }
        wake(helpers);
        batch.work();
        batch.await();
    }

    /** Makes sure {@code helpers} workers exist and unparks that many of the parked ones. */
    private static void wake(int helpers) {
        List<Worker> parked = new ArrayList<>();
        synchronized (WORKERS) {
            while (WORKERS.size() < helpers) {
                WORKERS.add(new Worker(WORKERS.size()));
            }
            for (Worker w : WORKERS) {
                if (w.parked) {
                    parked.add(w);
                }
            }
        }
        for (int i = 0; i < parked.size() && i < helpers; i++) {
            LockSupport.unpark(parked.get(i).thread);
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

    /** A daemon thread that runs batches from the queue, spinning a little before it parks. */
    private static final class Worker implements Runnable {
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            thread = new Thread(this, "minibatch-kernel-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Batch b = QUEUE.poll();
                if (b != null) {
                    b.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // Announce, then look again: a batch offered in between is seen here, or its
                    // submitter sees the flag and unparks this thread.
                    parked = true;
                    if (QUEUE.isEmpty()) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    /** One {@link #forEach} call: tasks are claimed from a shared counter until none is left. */
    private static final class Batch {
        private final int count;
        private final IntConsumer task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile Thread waiter;

        Batch(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
            this.remaining = new AtomicInteger(count);
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
                    if (remaining.decrementAndGet() == 0) {
                        Thread w = waiter;
                        if (w != null) {
                            LockSupport.unpark(w);
                        }
                    }
                }
            }
        }

        /** Waits for the tasks other threads are still running: spinning first, as workers do. */
        void await() {
            long start = System.nanoTime();
            boolean interrupted = false;
            while (remaining.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                waiter = Thread.currentThread();
                if (remaining.get() > 0) {
                    LockSupport.park(this);
                }
                interrupted |= Thread.interrupted();
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
