package dev.minibatch.train;

import dev.minibatch.plot.Plots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Redraws {@code loss.png} and {@code accuracy.png} in a directory after every epoch, so the curves can
 * be watched during training; on a resumed run they include the epochs before it.
 */
public final class PlotCallback implements Callback {
    private final Path directory;
    private History history = History.empty();

    public PlotCallback(Path directory) {
        this.directory = directory;
    }

    public Path lossPlot() {
        return directory.resolve("loss.png");
    }

    public Path accuracyPlot() {
        return directory.resolve("accuracy.png");
    }

    @Override
    public void onFitStart(History previous, int lastEpoch) {
        history = previous;
    }

    @Override
    public void onEpochEnd(EpochResult result) {
        history = history.plus(result);
        try {
            Plots.lines("Loss", "epoch", "loss", List.of(series("train", EpochResult::trainLoss),
                    series("valid", EpochResult::validLoss)), true, false, lossPlot());
            Plots.lines("Validation accuracy", "epoch", "accuracy", List.of(series("valid", EpochResult::validAccuracy)),
                    true, false, accuracyPlot());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Plots.Series series(String name, ToDoubleFunction<EpochResult> value) {
        List<EpochResult> epochs = history.epochs();
        return new Plots.Series(name, epochs.stream().mapToDouble(EpochResult::epoch).toArray(),
                epochs.stream().mapToDouble(value).toArray());
    }
}
