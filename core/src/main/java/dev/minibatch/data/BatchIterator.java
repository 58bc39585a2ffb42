package dev.minibatch.data;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One epoch of a {@link DataLoader}. The calling thread draws every batch's indices, so the order of the
 * batches does not depend on the number of workers; workers only fetch and collate. With workers, up to
 * {@code prefetch} batches are in flight, and they are delivered in order.
 *
 * <p>The workers stop when the epoch is exhausted, when a batch fails, when the iterator is closed (it is
 * {@link AutoCloseable}, for loops left early), and when the loader starts its next epoch. An iterator
 * abandoned otherwise lets its workers finish their batches and end once idle.
 */
public final class BatchIterator<B> implements Iterator<B>, AutoCloseable {
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Iterator<int[]> batches;
    private final Function<int[], ? extends B> fetch;
    private final Workers workers;
    private final int prefetch;
    private final ArrayDeque<Pending<B>> inFlight = new ArrayDeque<>();
    private int drawn;
    private boolean exhausted;
    private String closedBecause;

    private record Pending<B>(int number, int[] indices, Future<? extends B> result) {
    }

    /** @param workers null to fetch on the calling thread */
    BatchIterator(Iterator<int[]> batches, Function<int[], ? extends B> fetch, Workers workers,
                  int prefetch) {
        this.batches = batches;
        this.fetch = fetch;
        this.workers = workers;
        this.prefetch = prefetch;
        if (workers != null) {
            try {
                fill();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (exhausted) {
            return false;
        }
        if (closedBecause != null) {
            throw new IllegalStateException("this DataLoader iterator is closed: " + closedBecause);
        }
        boolean more = workers == null ? batches.hasNext() : !inFlight.isEmpty();
        if (!more) {
            exhausted = true;
            close();
        }
        return more;
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the DataLoader's epoch is over");
        }
        if (workers == null) {
            return fetch.apply(batches.next());
        }
        B batch = await(inFlight.poll());
        try {
            fill();
        } catch (RuntimeException e) {
            close("drawing the next batch's indices failed");
            throw e;
        }
        return batch;
    }

    private B await(Pending<B> p) {
        try {
            return p.result().get();
        } catch (ExecutionException e) {
            close("batch " + p.number() + " failed");
            throw new DataLoaderException("DataLoader worker failed on batch " + p.number() + " (indices "
                    + preview(p.indices()) + "): " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            close("interrupted");
            Thread.currentThread().interrupt();
            throw new DataLoaderException("interrupted while waiting for batch " + p.number(), e);
        }
    }

    private void fill() {
        while (inFlight.size() < prefetch && batches.hasNext()) {
            int[] indices = batches.next();
            inFlight.add(new Pending<>(drawn, indices, workers.submit(() -> fetch.apply(indices))));
            drawn++;
        }
    }

    private static String preview(int[] indices) {
        return indices.length <= 8 ? Arrays.toString(indices)
                : Arrays.toString(Arrays.copyOf(indices, 8)).replace("]", ", ...] (" + indices.length + ")");
    }

    /** Stops the workers, waiting for batches they have started; a later {@code next()} throws. */
    @Override
    public void close() {
        close("it was closed");
    }

    void close(String reason) {
        if (closedBecause != null) {
            return;
        }
        closedBecause = reason;
        if (workers == null) {
            return;
        }
        for (Pending<B> p : inFlight) {
            p.result().cancel(true);
        }
        inFlight.clear();
        try {
            workers.stop(CLOSE_WAIT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
