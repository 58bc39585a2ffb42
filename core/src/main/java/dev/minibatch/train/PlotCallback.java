package dev.minibatch.train;

import dev.minibatch.plot.Plots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Redraws {@code loss.png} (training and validation loss) and one chart per metric ({@code accuracy.png},
 * ...) in a directory, created if missing, as epochs end, so the curves can be watched during training;
 * on a resumed run they include the epochs before it.
 *
 * <p>Drawing a chart takes longer than an epoch of a small model, so the charts are drawn on a thread of
 * their own while training goes on (from the history, which is immutable, so they show exactly the epochs
 * done). Epochs that end while charts are being drawn are not queued: the next drawing shows the newest
 * history, so training never waits for the charts. Drawings start at most once per {@link #MIN_INTERVAL},
 * so a run of short epochs draws a few times rather than once per epoch (each drawing takes CPU time that
 * training on two cores would otherwise have). When the run ends, {@code fit} returns only once the charts
 * show the last epoch; a chart that could not be written fails the run at the next epoch's end or at the
 * end of the run.
 */
public final class PlotCallback implements Callback {
    /** The least time from the start of one drawing to the start of the next, until the run ends. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(2);

    private final Path directory;
    private final Duration minInterval;
    private final Consumer<History> drawing;
    private final Object lock = new Object();
    private ExecutorService drawer;
    /**
     * The newest history not drawn yet, whether a drawer's task is running, when the last drawing started
     * and whether the run has ended; guarded by lock.
     */
    private History pending;
    private boolean running;
    private long lastStart;
    private boolean ended;
    private RuntimeException failure;
    private Future<?> task;

    public PlotCallback(Path directory) {
        this.directory = directory;
        this.minInterval = MIN_INTERVAL;
        this.drawing = this::draw;
    }

    /** With another interval and way of drawing, for tests of when it is called. */
    PlotCallback(Path directory, Duration minInterval, Consumer<History> drawing) {
        this.directory = directory;
        this.minInterval = minInterval;
        this.drawing = drawing;
    }

    public Path lossPlot() {
        return directory.resolve("loss.png");
    }

    /** The chart of the metric called {@code name}: {@code accuracy.png} for accuracy. */
    public Path metricPlot(String name) {
        return directory.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png");
    }

    @Override
    public void beforeFit(Learner learner) {
        synchronized (lock) {
            ended = false;
            lastStart = System.nanoTime() - minInterval.toNanos();
        }
        drawer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "minibatch-plots");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void afterEpoch(Learner learner) {
        throwIfFailed();
        synchronized (lock) {
            pending = learner.history();
            if (!running) {
                running = true;
                task = drawer.submit(this::drawPending);
            }
        }
    }

    @Override
    public void afterFit(Learner learner) {
        synchronized (lock) {
            ended = true;
            lock.notifyAll();
        }
        try {
            awaitDrawing();
        } finally {
            drawer.shutdown();
        }
    }

    /** Draws the newest history until none is left undrawn, waiting out the interval unless the run has ended. */
    private void drawPending() {
        try {
            while (true) {
                History next;
                synchronized (lock) {
                    awaitInterval();
                    next = pending;
                    pending = null;
                    if (next == null) {
                        running = false;
                        return;
                    }
                    lastStart = System.nanoTime();
                }
                drawing.accept(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lock) {
                running = false;
            }
        } catch (RuntimeException e) {
            synchronized (lock) {
                running = false;
                failure = e;
            }
        }
    }

    /** Holding the lock: waits until the interval since the last drawing's start has passed, or the run has ended. */
    private void awaitInterval() throws InterruptedException {
        long left;
        while (!ended && (left = lastStart + minInterval.toNanos() - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
    }

    /** Fails the run as the charts did. */
    private void throwIfFailed() {
        synchronized (lock) {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Waits for the charts being drawn, and fails as they did. The last task submitted draws the newest
     * history: an earlier one had finished its loop before it was submitted.
     */
    private void awaitDrawing() {
        if (task != null) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while drawing the charts in " + directory, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                task = null;
            }
        }
        throwIfFailed();
    }

    private void draw(History history) {
        try {
            Files.createDirectories(directory);
            Plots.lines("Loss", "epoch", "loss", List.of(series(history, "train", "train_loss"),
                    series(history, "valid", "valid_loss")), false, lossPlot());
            for (String metric : history.last().orElseThrow().metrics().keySet()) {
                Plots.lines("Validation " + metric, "epoch", metric, List.of(series(history, "valid", metric)),
                        false, metricPlot(metric));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value called {@code key} at each epoch that has it (a metric added later starts later). */
    private static Plots.Series series(History history, String name, String key) {
        List<EpochResult> epochs = history.epochs().stream()
                .filter(r -> !isMetric(key) || r.metrics().containsKey(key)).toList();
        return new Plots.Series(name, epochs.stream().mapToDouble(EpochResult::epoch).toArray(),
                epochs.stream().mapToDouble(r -> r.value(key)).toArray());
    }

    private static boolean isMetric(String key) {
        return !key.equals("train_loss") && !key.equals("valid_loss");
    }
}
