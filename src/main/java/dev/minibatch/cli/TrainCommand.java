package dev.minibatch.cli;

import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Adam;
import dev.minibatch.optim.AdamW;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.io.AtomicFiles;
import dev.minibatch.train.Callback;
import dev.minibatch.train.Checkpoint;
import dev.minibatch.train.CheckpointCallback;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.History;
import dev.minibatch.train.Learner;
import dev.minibatch.train.MetricsLogCallback;
import dev.minibatch.train.PlotCallback;
import dev.minibatch.train.ProgressBarCallback;
import dev.minibatch.train.TerminateOnNaNCallback;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code minibatch train}: by default the lesson's experiment, one line per epoch as the lesson prints. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains a multi-layer perceptron and saves it, with metrics, plots and checkpoints.",
                "Default: the lesson's experiment — MNIST, Linear(784,50) ReLU Linear(50,10), batch 50, "
                        + "SGD lr 0.5, 5 epochs, the first 50,000 images train and the last 10,000 validate."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--hidden", split = ",", paramLabel = "N[,N...]", defaultValue = "50",
            description = "Hidden layer sizes, e.g. 800 or 256,128 (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden = new ArrayList<>(List.of(50));

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = {"--batch-size", "--bs"}, defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize = 50;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = "sgd";

    @Option(names = "--lr", description = "Learning rate (default: 0.5 for sgd, 0.001 for adam and adamw).")
    Float lr;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", description = "Default: 0, or 0.01 for adamw.")
    Float weightDecay;

    @Option(names = "--betas", split = ",", paramLabel = "B1,B2", description = "Adam's betas (default: 0.9,0.999).")
    List<Float> betas;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--workers", defaultValue = "0", description = "Data loading threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder: metrics, plots, checkpoint, model (default: runs/<dataset>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from a checkpoint folder (e.g. runs/mnist/checkpoint) up to --epochs.")
    Path resume;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        checkSettings();
        Path dir = out != null ? out : Path.of("runs", data.name());
        AtomicFiles.checkWritable(dir); // fail before loading data and training, not at the first checkpoint
        if (threads != null) {
            Minibatch.setNumThreads(threads);
        }
        Minibatch.manualSeed(seed);
        Splits splits = data.load();
        int in = splits.train().tensor(0).size(1);
        Sequential model = ModelFiles.mlp(in, hidden, splits.numClasses());
        Optimizer opt = optimizer(model.parameters());
        DataLoaders dls = DataLoaders.of(splits.train(), splits.valid(), batchSize, seed, workers);
        Map<String, String> settings = settings();
        Learner learner = new Learner(model, Functional::crossEntropy, opt, dls.train(), dls.valid());
        int done = 0;
        if (resume != null) {
            Checkpoint ck = Checkpoint.load(resume);
            ck.restore(model, opt, dls.generator());
            learner.resumeFrom(ck.history());
            done = ck.epoch();
            stdout.printf("resuming from %s after epoch %d%n", resume, done);
        }
        learner.addCallbacks(callbacks(dir, model, opt, dls, settings, stdout));
        stdout.println(model);
        History history = learner.fit(Math.max(0, epochs - done));
        if (history.stopReason().isPresent()) {
            // The model may hold NaN now: keep the last good checkpoint and write no final model.
            spec.commandLine().getErr().println("minibatch train: stopped: " + history.stopReason().get()
                    + "; the last good checkpoint is in " + dir.resolve("checkpoint"));
            return Main.FAILED;
        }
        Path modelFile = dir.resolve("model.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(settings);
        meta.put("format", "pt");
        ModelFiles.save(modelFile, model, meta);
        history.last().ifPresent(r -> stdout.printf("validation accuracy %.4f after %d epochs; model saved to %s%n",
                r.metric("accuracy"), history.lastEpoch(), modelFile));
        return 0;
    }

    private void checkSettings() {
        if (epochs < 0 || batchSize < 1 || workers < 0 || (threads != null && threads < 1)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "epochs must be >= 0, batch size "
                    + ">= 1, workers >= 0 and threads >= 1 (got " + epochs + ", " + batchSize + ", " + workers
                    + ", " + threads + ")");
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "hidden sizes must be positive, got " + hidden);
            }
        }
        if (!List.of("sgd", "adam", "adamw").contains(optimizer)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown optimizer '" + optimizer + "' (expected sgd, adam or adamw)");
        }
        if (betas != null && betas.size() != 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--betas takes two values, got " + betas);
        }
    }

    private Optimizer optimizer(List<Tensor> params) {
        return switch (optimizer) {
            case "sgd" -> SGD.builder(params).lr(lr != null ? lr : 0.5f).momentum(momentum).nesterov(nesterov)
                    .weightDecay(weightDecay != null ? weightDecay : 0f).build();
            case "adam" -> adam(Adam.builder(params), 0f);
            default -> adam(AdamW.builder(params), 1e-2f);
        };
    }

    private Optimizer adam(Adam.Builder<? extends Adam> b, float defaultDecay) {
        b.lr(lr != null ? lr : 1e-3f).weightDecay(weightDecay != null ? weightDecay : defaultDecay);
        if (betas != null) {
            b.betas(betas.get(0), betas.get(1));
        }
        return b.build();
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dataset", data.name());
        s.put("hidden", hidden.toString().replaceAll("[\\[\\] ]", ""));
        s.put("batch_size", Integer.toString(batchSize));
        s.put("optimizer", optimizer);
        s.put("seed", Long.toString(seed));
        return s;
    }

    private Callback[] callbacks(Path dir, Sequential model, Optimizer opt, DataLoaders dls,
                                 Map<String, String> settings, PrintWriter stdout) {
        List<Callback> cbs = new ArrayList<>();
        if (!quiet) {
            cbs.add(ProgressBarCallback.stderr());
        }
        cbs.add(new TerminateOnNaNCallback());
        cbs.add(new EpochPrinter(stdout, epochs));
        cbs.add(new MetricsLogCallback(dir.resolve("metrics.csv")));
        cbs.add(new MetricsLogCallback(dir.resolve("metrics.jsonl")));
        cbs.add(new PlotCallback(dir));
        cbs.add(new CheckpointCallback(dir.resolve("checkpoint"), model, opt, dls.generator(), settings));
        return cbs.toArray(new Callback[0]);
    }
}
