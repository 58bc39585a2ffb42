package dev.minibatch.train;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Adam;
import dev.minibatch.optim.OneCycleLR;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A training run that checkpoints after every epoch, built the same way in a child process (whose
 * {@link #main} the tests kill or starve of disk) and in the test, which resumes it: Adam under a one-cycle
 * schedule (which also cycles beta1) on a synthetic problem of 2,000 samples, 64 features and 10 classes, an
 * MLP 64-256-10, batches of 50, with top-3 accuracy logged beside accuracy. A checkpoint thus holds the
 * model, Adam's moments, the schedule's position, both generators and metrics by name.
 * The child prints {@code started} before the first epoch and {@code epoch N} after each checkpoint.
 */
final class TrainingProcess {
    static final int EPOCHS = 30;
    private static final long SEED = 11;
    private static final TensorDataset TRAIN = dataset(1, 2000);
    private static final TensorDataset VALID = dataset(2, 500);

    final Sequential model;
    final Optimizer optimizer;
    final OneCycleLR schedule;
    final DataLoaders loaders;
    final Learner learner;

    TrainingProcess() {
        Minibatch.manualSeed(SEED);
        model = new Sequential(new Linear(64, 256), new ReLU(), new Linear(256, 10));
        optimizer = Adam.builder(model.parameters()).lr(1e-3f).build();
        loaders = DataLoaders.of(TRAIN, VALID, 50, SEED);
        schedule = OneCycleLR.builder(optimizer, 3e-3).epochs(EPOCHS, loaders.train().size()).build();
        learner = new Learner(model, Functional::crossEntropy, optimizer, loaders.train(), loaders.valid())
                .metrics(Metric.accuracy(), Metric.topKAccuracy(3))
                .addCallbacks(LRSchedulerCallback.perBatch(schedule));
    }

    private static TensorDataset dataset(long seed, int n) {
        Tensor x = Tensor.randn(new Generator(seed), n, 64);
        Tensor w = Tensor.randn(new Generator(99), 64, 10);
        return new TensorDataset(x, x.matmul(w).argmax(1));
    }

    CheckpointCallback checkpoints(Path dir) {
        return new CheckpointCallback(dir, model, optimizer, schedule, loaders.generator(),
                Map.of("problem", "synthetic"));
    }

    /** Continues from the checkpoint in {@code dir}, if there is one, to epoch {@link #EPOCHS}. */
    History resume(Path dir, Callback... callbacks) throws IOException {
        int done = 0;
        if (dir.resolve(Checkpoint.STATE_FILE).toFile().exists()) {
            Checkpoint checkpoint = Checkpoint.load(dir);
            checkpoint.restore(model, optimizer, schedule, loaders.generator());
            learner.resumeFrom(checkpoint.history());
            done = checkpoint.epoch();
        }
        return learner.addCallbacks(callbacks).fit(EPOCHS - done);
    }

    /**
     * Starts {@link #main} in a child JVM on {@code dir}, its stderr to a file; {@code prefix} runs before
     * {@code java} (a shell that sets resource limits, say).
     */
    static Process start(Path dir, Path stderr, String... prefix) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(prefix));
        command.addAll(List.of(java.toString(), "--add-modules=jdk.incubator.vector", "-Xmx256m", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), TrainingProcess.class.getName(), dir.toString()));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /** {@code TrainingProcess DIR}: trains to the end (or resumes), checkpointing into DIR, reporting on stdout. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        TrainingProcess run = new TrainingProcess();
        Callback report = new Callback() {
            @Override
            public void beforeFit(Learner learner) {
                System.out.println("started");
            }

            @Override
            public void afterEpoch(Learner learner) {
                System.out.println("epoch " + learner.epoch());
            }
        };
        run.resume(dir, run.checkpoints(dir), report);
    }
}
