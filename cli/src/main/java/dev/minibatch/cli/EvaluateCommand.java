package dev.minibatch.cli;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Sequential;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Metrics;
import dev.minibatch.plot.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code minibatch evaluate}: loss, accuracy and confusion matrix of a trained model on the test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Prints the test set's loss, accuracy and confusion matrix, and draws the matrix as a PNG.")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "A model.safetensors written by 'minibatch train' (or its checkpoint folder).")
    Path model;

    @Option(names = "--split", defaultValue = "test", description = "test, valid or train (default: ${DEFAULT-VALUE}).")
    String split = "test";

    @Option(names = "--png", paramLabel = "FILE", description = "Where to draw the confusion matrix "
            + "(default: confusion-<split>.png beside the model).")
    Path png;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        data.useModelsDataset(model, spec);
        Sequential net = ModelFiles.load(model);
        TensorDataset ds = SplitChoice.of(data.load(), split);
        Tensor logits = Inference.logits(net, ds);
        Tensor y = ds.tensor(1);
        List<String> names = data.classNames();
        int[][] counts = Metrics.confusionMatrix(logits, y, names.size());
        float acc = Metrics.accuracy(logits, y);
        out.printf("%s %s set: %d images, loss %.4f, accuracy %.4f (error %.2f%%)%n", data.name(), split,
                y.size(0), Inference.loss(logits, y), acc, 100 * (1 - acc));
        out.println("confusion matrix (rows: true class, columns: predicted class):");
        out.print(table(counts));
        Path file = png != null ? png
                : (Files.isDirectory(model) ? model : model.toAbsolutePath().getParent()).resolve("confusion-" + split + ".png");
        Plots.confusionMatrix(counts, names, file);
        out.println("confusion matrix drawn in " + file);
        return 0;
    }

    static String table(int[][] counts) {
        StringBuilder sb = new StringBuilder("      ");
        for (int j = 0; j < counts.length; j++) {
            sb.append(String.format("%6d", j));
        }
        sb.append('\n');
        for (int i = 0; i < counts.length; i++) {
            sb.append(String.format("%6d", i));
            for (int c : counts[i]) {
                sb.append(String.format("%6d", c));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
