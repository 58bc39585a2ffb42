package dev.minibatch.train;

import dev.minibatch.plot.Plots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Redraws {@code loss.png} (training and validation loss) and one chart per metric ({@code accuracy.png},
 * ...) in a directory, created if missing, after every epoch, so the curves can be watched during
 * training; on a resumed run they include the epochs before it.
 */
public final class PlotCallback implements Callback {
    private final Path directory;

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
    public void afterEpoch(Learner learner) {
        History history = learner.history();
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
