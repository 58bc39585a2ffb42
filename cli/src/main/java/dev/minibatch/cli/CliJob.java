package dev.minibatch.cli;

import dev.minibatch.data.Batch;
import dev.minibatch.data.Dataset;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.spark.TrainingJob;
import dev.minibatch.train.Callback;
import dev.minibatch.train.EarlyStoppingCallback;
import dev.minibatch.train.GradientClipCallback;
import dev.minibatch.train.Learner;
import dev.minibatch.train.MetricsLogCallback;
import dev.minibatch.train.PlotCallback;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code train}'s run as a {@link TrainingJob}: it carries the command line, and each rank parses it again and
 * builds what {@code train} builds on one machine, so every rank runs exactly the options given. Rank 0
 * writes the run's folder: metrics, plots and the final model.
 */
final class CliJob implements TrainingJob {
    private static final long serialVersionUID = 1L;

    private final List<String> args;
    private final String dir;
    private transient TrainCommand command;
    private transient TrainingOptions.Setup setup;

    CliJob(List<String> args, Path dir) {
        this.args = List.copyOf(args);
        this.dir = dir.toString();
    }

    private TrainCommand command() {
        if (command == null) {
            String[] line = args.toArray(new String[0]);
            CommandLine.ParseResult parsed = Main.commandLine(line).parseArgs(line);
            command = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        }
        return command;
    }

    private TrainingOptions.Setup setup() {
        if (setup == null) {
            try {
                setup = command().training.build(command().data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return setup;
    }

    @Override
    public Module model() {
        return setup().model();
    }

    @Override
    public Optimizer optimizer(Module model) {
        if (model != setup().model()) {
            throw new IllegalArgumentException("CliJob: the optimizer belongs to the model that model() built");
        }
        return setup().optimizer();
    }

    @Override
    public Dataset<Batch> trainData() {
        return setup().splits().train();
    }

    @Override
    public Dataset<Batch> validData() {
        return setup().splits().valid();
    }

    @Override
    public Map<String, String> settings() {
        return command().runSettings().values();
    }

    /** Clipping and early stopping on every rank (they see the same gradients and losses); the files on rank 0. */
    @Override
    public List<Callback> callbacks(int rank, int numReplicas) {
        List<Callback> all = new ArrayList<>();
        if (command().clipGradNorm != null) {
            all.add(new GradientClipCallback(command().clipGradNorm));
        }
        if (command().earlyStop != null) {
            all.add(new EarlyStoppingCallback(command().earlyStop));
        }
        if (rank == 0) {
            all.addAll(files(Path.of(dir)));
        }
        return all;
    }

    private List<Callback> files(Path out) {
        return List.of(new MetricsLogCallback(out.resolve("metrics.csv")), new MetricsLogCallback(out.resolve("metrics.jsonl")),
                new PlotCallback(out), new Callback() {
                    @Override
                    public void afterFit(Learner learner) {
                        Map<String, String> meta = new LinkedHashMap<>(settings());
                        meta.put("format", "pt");
                        try {
                            ModelFiles.save(out.resolve("model.safetensors"), setup().model(), meta);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
    }
}
