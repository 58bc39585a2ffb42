package dev.minibatch.train;

import dev.minibatch.plot.Plots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Redraws {@code loss.png} (training and validation loss) and one chart per metric ({@code accuracy.png},
 * ...) in a directory, created if missing, after every epoch, so the curves can be watched during
 * training; on a resumed run they include the epochs before it.
 *
 * <p>Drawing a chart takes longer than an epoch of a small model, so the charts are drawn on a thread of
 * their own while the next epoch trains (from the history, which is immutable, so they show exactly the
 * epochs done). When the run ends, {@code fit} returns only once the last charts are written; a chart that
 * could not be written fails the run at the next epoch's end or at the end of the run.
 */
public final class PlotCallback implements Callback {
    private final Path directory;
    private ExecutorService drawer;
    private Future<?> drawing;

    public PlotCallback(Path directory) {
        this.directory = directory;
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
        drawer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "minibatch-plots");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void afterEpoch(Learner learner) {
        awaitDrawing();
        History history = learner.history();
        drawing = drawer.submit(() -> draw(history));
    }

    @Override
    public void afterFit(Learner learner) {
        try {
            awaitDrawing();
        } finally {
            drawer.shutdown();
        }
    }

    /** Waits for the charts being drawn, and fails as they did. */
    private void awaitDrawing() {
        if (drawing == null) {
            return;
        }
        try {
            drawing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing the charts in " + directory, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            drawing = null;
        }
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
