package dev.minibatch.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One epoch's worker threads: daemons that end after a second idle, and that {@link #stop} waits for to
 * the end. An executor's termination alone comes a moment before its threads have exited, so stop() also
 * joins them: when it returns, no thread of this epoch is alive.
 */
final class Workers {
    private static final long KEEP_ALIVE_MS = 1000;

    private final ThreadPoolExecutor pool;
    private final List<Thread> threads = new ArrayList<>();

    Workers(int count, String namePrefix) {
        pool = new ThreadPoolExecutor(count, count, KEEP_ALIVE_MS, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, namePrefix + (threadCount() + 1));
                    t.setDaemon(true);
                    synchronized (threads) {
                        threads.add(t);
                    }
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    private int threadCount() {
        synchronized (threads) {
            return threads.size();
        }
    }

    <T> Future<T> submit(Callable<T> task) {
        return pool.submit(task);
    }

    /** Interrupts the workers and waits up to {@code seconds} for every one of them to exit. */
    void stop(long seconds) throws InterruptedException {
        pool.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        pool.awaitTermination(seconds, TimeUnit.SECONDS);
        List<Thread> started;
        synchronized (threads) {
            started = new ArrayList<>(threads);
        }
        for (Thread t : started) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
    }
}
