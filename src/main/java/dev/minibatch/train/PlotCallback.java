package dev.minibatch.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

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
            Plots.lossCurves(history, lossPlot());
            Plots.accuracyCurve(history, accuracyPlot());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
