package dev.minibatch.cli;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.plot.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code minibatch show}: a PNG grid of images with their labels, and a model's predictions if given one. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Draws a grid of dataset images with their labels (\"label / prediction\" with --model).")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--split", defaultValue = "train", description = "train, valid or test (default: ${DEFAULT-VALUE}).")
    String split = "train";

    @Option(names = "--start", defaultValue = "0", description = "Index of the first image (default: ${DEFAULT-VALUE}).")
    int start;

    @Option(names = "--count", defaultValue = "36", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count = 36;

    @Option(names = "--model", paramLabel = "FILE", description = "Also show this model's predictions.")
    Path model;

    @Option(names = "--out", paramLabel = "FILE", description = "Default: show-<split>.png beside the model, "
            + "else in runs/<dataset>.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (model != null) {
            data.useModelsDataset(model, spec);
        }
        TensorDataset ds = SplitChoice.of(data.load(), split);
        int n = ds.size();
        if (start < 0 || count < 1 || start >= n) {
            throw new IllegalArgumentException("--start " + start + " and --count " + count
                    + " do not select images of the " + split + " split (" + n + " images)");
        }
        int end = Math.min(n, start + count);
        Tensor x = ds.tensor(0).slice(0, start, end);
        int[] y = ds.tensor(1).slice(0, start, end).toIntArray();
        int[] predicted = model == null ? null : Inference.logits(ModelFiles.load(model), x).argmax(1).toIntArray();
        List<String> names = data.classNames();
        List<String> captions = new ArrayList<>();
        boolean[] wrong = new boolean[y.length];
        for (int i = 0; i < y.length; i++) {
            captions.add(names.get(y[i]) + (predicted == null ? "" : " / " + names.get(predicted[i])));
            wrong[i] = predicted != null && predicted[i] != y[i];
        }
        Path png = out != null ? out : folder().resolve("show-" + split + ".png");
        ImageGrid.write(x, captions, wrong, (int) Math.ceil(Math.sqrt(y.length)), png);
        spec.commandLine().getOut().println("drew " + y.length + " images of " + data.name() + " " + split
                + (predicted == null ? "" : " (wrong predictions in red)") + " in " + png);
        return 0;
    }

    /** The model's folder, or the dataset's run folder: never the working directory. */
    private Path folder() {
        if (model != null) {
            return Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        }
        return Path.of("runs", data.name());
    }
}
