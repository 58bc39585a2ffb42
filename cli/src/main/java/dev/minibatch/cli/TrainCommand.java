package dev.minibatch.cli;

import dev.minibatch.io.AtomicFiles;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.LRScheduler;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.train.Callback;
import dev.minibatch.train.Checkpoint;
import dev.minibatch.train.CheckpointCallback;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.EarlyStoppingCallback;
import dev.minibatch.train.GradientClipCallback;
import dev.minibatch.train.History;
import dev.minibatch.train.LRSchedulerCallback;
import dev.minibatch.train.Learner;
import dev.minibatch.train.Metric;
import dev.minibatch.train.MetricsLogCallback;
import dev.minibatch.train.PlotCallback;
import dev.minibatch.train.ProgressBarCallback;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

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
    private static final String CHECKPOINT = "checkpoint";

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Mixin
    ScheduleOptions schedule = new ScheduleOptions();

    @Mixin
    SparkOptions spark = new SparkOptions();

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs to train, in all (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = "--clip-grad-norm", paramLabel = "MAX",
            description = "Scale the gradients down whenever their total norm exceeds MAX.")
    Float clipGradNorm;

    @Option(names = "--early-stop", paramLabel = "PATIENCE",
            description = "Stop when the validation loss has not improved for PATIENCE epochs.")
    Integer earlyStop;

    @Option(names = "--metrics", split = ",", paramLabel = "NAME[,NAME...]", defaultValue = "accuracy",
            description = "Validation metrics: accuracy, topK (e.g. top3) (default: ${DEFAULT-VALUE}).")
    List<String> metrics = new ArrayList<>(List.of("accuracy"));

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder: metrics, plots, checkpoint, model "
            + "(default: runs/<dataset>, or the resumed run's folder).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from a checkpoint folder (e.g. runs/mnist/checkpoint) up to --epochs.")
    Path resume;

    @Option(names = "--overwrite", description = "Replace the run already in --out (its checkpoint is deleted).")
    boolean overwrite;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        JobTimings timings = JobTimings.startIfAsked();
        PrintWriter stdout = spec.commandLine().getOut();
        Checkpoint ck = resume == null ? null : resumedCheckpoint();
        List<Metric> chosen = checkSettings();
        Path dir = out != null ? out : resume != null ? parent(resume) : Path.of("runs", data.name());
        if (spark.enabled()) {
            claim(dir);
            return SparkTrain.run(this, spark, spec, dir, stdout);
        }
        TrainingOptions.Setup setup = training.build(data); // data first: missing data leaves no empty folder
        if (timings != null) {
            timings.dataLoaded();
        }
        claim(dir);
        Sequential model = setup.model();
        Optimizer opt = setup.optimizer();
        DataLoaders dls = setup.loaders();
        LRSchedulerCallback scheduleCallback = schedule.create(opt, epochs, dls.train().size(), training.lr());
        LRScheduler scheduler = scheduleCallback == null ? null : scheduleCallback.scheduler();
        Map<String, String> settings = runSettings().values();
        Learner learner = new Learner(model, Functional::crossEntropy, opt, dls.train(), dls.valid())
                .metrics(chosen.toArray(new Metric[0]));
        int done = 0;
        if (ck != null) {
            ck.restore(model, opt, scheduler, dls.generator());
            learner.resumeFrom(ck.history());
            done = ck.epoch();
            stdout.printf("resuming from %s after epoch %d%n", resume, done);
        }
        if (epochs <= done) {
            throw new ParameterException(spec.commandLine(), "the checkpoint is already at epoch " + done
                    + ": pass --epochs greater than " + done + " to train on");
        }
        EarlyStoppingCallback early = earlyStop == null ? null : new EarlyStoppingCallback(earlyStop);
        learner.addCallbacks(callbacks(dir, model, opt, scheduler, scheduleCallback, dls, settings, stdout));
        if (early != null) {
            learner.addCallbacks(early);
        }
        if (timings != null) {
            learner.addCallbacks(timings);
        }
        stdout.println(model);
        History history = fitSayingHowToResume(learner, epochs - done, dir);
        boolean earlyStopped = early != null && early.stoppedTraining();
        if (history.stopReason().isPresent() && !earlyStopped) {
            // The model may hold NaN now: keep the last good checkpoint and write no final model.
            spec.commandLine().getErr().println("minibatch train: stopped: " + history.stopReason().get() + "; "
                    + lastGood(dir, history));
            return Main.FAILED;
        }
        history.stopReason().ifPresent(reason -> stdout.println(reason));
        Path modelFile = dir.resolve("model.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(settings);
        meta.put("format", "pt");
        ModelFiles.save(modelFile, model, meta);
        history.last().ifPresent(r -> stdout.printf("validation accuracy %.4f after %d epochs; model saved to %s%n",
                r.metrics().getOrDefault("accuracy", Double.NaN), history.lastEpoch(), modelFile));
        if (timings != null) {
            timings.print(spec.commandLine().getErr());
        }
        return 0;
    }

    /**
     * This run's settings, as its checkpoint and model record them. The epochs count only for a schedule
     * that spans the run; with a constant rate a resumed run may train on to more.
     */
    RunSettings runSettings() {
        RunSettings s = new RunSettings();
        data.addTo(s);
        training.addTo(s);
        schedule.addTo(s);
        return s.add("epochs", epochs, v -> epochs = Integer.parseInt(v), !schedule.constant())
                .add("clip_grad_norm", clipGradNorm, v -> clipGradNorm = RunSettings.optionalFloat(v))
                .add("early_stop", earlyStop, v -> earlyStop = RunSettings.optionalInt(v))
                .add("metrics", metrics, v -> metrics = List.of(v.split(",")));
    }

    /** The checkpoint to resume, whose recorded settings become this run's unless contradicted. */
    private Checkpoint resumedCheckpoint() throws IOException {
        if (!Files.isRegularFile(resume.resolve(Checkpoint.STATE_FILE))) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": no checkpoint there (expected "
                    + resume.resolve(Checkpoint.STATE_FILE) + ", written by 'minibatch train' into <out>/checkpoint)");
        }
        Checkpoint ck = Checkpoint.load(resume);
        runSettings().applyUnlessGiven(ck.settings(), spec);
        runSettings().checkAgainst(ck.settings(), "the checkpoint " + resume, spec);
        return ck;
    }

    private static Path parent(Path checkpointDir) {
        Path parent = checkpointDir.toAbsolutePath().normalize().getParent();
        return parent != null ? parent : checkpointDir;
    }

    /**
     * Makes {@code dir} this run's: a folder that holds another run's checkpoint is refused (so that a run
     * never reports another's checkpoint as its own), unless this run resumes it or {@code --overwrite}
     * says to replace it, which deletes that checkpoint first.
     */
    private void claim(Path dir) throws IOException {
        AtomicFiles.checkWritable(dir); // fail before training, not at the first checkpoint
        Path existing = dir.resolve(CHECKPOINT);
        boolean held = Files.exists(existing.resolve(Checkpoint.STATE_FILE));
        boolean resumingIt = resume != null && held && Files.isSameFile(existing, resume);
        if (!held || resumingIt) {
            return;
        }
        if (!overwrite) {
            throw new ParameterException(spec.commandLine(), dir + " already holds a run (" + existing
                    + "): continue it with --resume " + existing + ", replace it with --overwrite, or choose "
                    + "another --out");
        }
        Files.deleteIfExists(existing.resolve(Checkpoint.STATE_FILE));
        Files.deleteIfExists(existing.resolve(Checkpoint.MODEL_FILE));
        Files.deleteIfExists(dir.resolve("model.safetensors"));
    }

    /** Ctrl-C (or a kill) ends the JVM mid-run: its shutdown hook says how to continue. */
    private History fitSayingHowToResume(Learner learner, int epochs, Path dir) {
        PrintWriter err = spec.commandLine().getErr();
        Thread hint = new Thread(() -> err.println("minibatch train: interrupted; " + resumeHint(dir)));
        Runtime.getRuntime().addShutdownHook(hint);
        try {
            return learner.fit(epochs);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hint);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: nothing to remove
            }
        }
    }

    private static String resumeHint(Path dir) {
        Path ck = dir.resolve(CHECKPOINT);
        if (!Files.exists(ck.resolve(Checkpoint.STATE_FILE))) {
            return "no checkpoint was written yet (a checkpoint is written after each epoch)";
        }
        return "continue from the last checkpoint with: minibatch train --resume " + ck;
    }

    private String lastGood(Path dir, History history) {
        Path ck = dir.resolve(CHECKPOINT);
        if (!Files.exists(ck.resolve(Checkpoint.STATE_FILE))) {
            return "no checkpoint was written (the run stopped in its first epoch)";
        }
        return "the last good checkpoint is in " + ck + " (epoch " + history.lastEpoch() + "); resume it with "
                + "--resume " + ck + " and a lower --lr";
    }

    private List<Metric> checkSettings() {
        training.check(spec);
        schedule.check(spec);
        if (epochs < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be >= 1, got " + epochs);
        }
        if (clipGradNorm != null && !(clipGradNorm > 0)) {
            throw new ParameterException(spec.commandLine(), "--clip-grad-norm must be > 0, got " + clipGradNorm);
        }
        if (earlyStop != null && earlyStop < 1) {
            throw new ParameterException(spec.commandLine(), "--early-stop must be >= 1 epoch, got " + earlyStop);
        }
        List<Metric> chosen = new ArrayList<>();
        for (String name : metrics) {
            chosen.add(metric(name));
        }
        return chosen;
    }

    private Metric metric(String name) {
        if (name.equals("accuracy")) {
            return Metric.accuracy();
        }
        if (name.matches("top[1-9][0-9]*")) {
            return Metric.topKAccuracy(Integer.parseInt(name.substring(3)));
        }
        throw new ParameterException(spec.commandLine(), "unknown metric '" + name + "' (expected accuracy or topK, "
                + "e.g. top3)");
    }

    private Callback[] callbacks(Path dir, Sequential model, Optimizer opt, LRScheduler scheduler,
                                 LRSchedulerCallback scheduleCallback, DataLoaders dls, Map<String, String> settings,
                                 PrintWriter stdout) {
        List<Callback> cbs = new ArrayList<>();
        if (!quiet) {
            cbs.add(ProgressBarCallback.stderr().progressOnly()); // EpochPrinter reports on stdout
        }
        if (scheduleCallback != null) {
            cbs.add(scheduleCallback);
        }
        if (clipGradNorm != null) {
            cbs.add(new GradientClipCallback(clipGradNorm));
        }
        cbs.add(new EpochPrinter(stdout, epochs));
        cbs.add(new MetricsLogCallback(dir.resolve("metrics.csv")));
        cbs.add(new MetricsLogCallback(dir.resolve("metrics.jsonl")));
        cbs.add(new PlotCallback(dir));
        cbs.add(new CheckpointCallback(dir.resolve(CHECKPOINT), model, opt, scheduler, dls.generator(), settings));
        return cbs.toArray(new Callback[0]);
    }
}
