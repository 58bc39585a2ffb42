package dev.minibatch.spark;

import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.data.Dataset;
import dev.minibatch.data.DistributedSampler;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Callback;
import dev.minibatch.train.Checkpoint;
import dev.minibatch.train.CheckpointCallback;
import dev.minibatch.train.EarlyStoppingCallback;
import dev.minibatch.train.History;
import dev.minibatch.train.Learner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rank's copy of the run: its model, optimizer and data, built as a single process builds them, restored
 * from the checkpoint when there is one, then trained by a {@link Learner} on its share of each epoch.
 */
final class Replica {
    /** Tasks of one JVM (Spark's local mode) share the default generator: one builds its model at a time. */
    private static final Object INIT = new Object();

    private final TrainingJob job;
    private final Plan plan;
    private final int rank;
    private final int replicas;
    private final Module model;
    private final Optimizer optimizer;
    private final Dataset<Batch> train;
    private final Dataset<Batch> valid;
    private final History history;

    private Replica(TrainingJob job, Plan plan, int rank, int replicas, Module model, Optimizer optimizer,
            Dataset<Batch> train, Dataset<Batch> valid, History history) {
        this.job = job;
        this.plan = plan;
        this.rank = rank;
        this.replicas = replicas;
        this.model = model;
        this.optimizer = optimizer;
        this.train = train;
        this.valid = valid;
        this.history = history;
    }

    static Replica build(TrainingJob job, Plan plan, int rank, int replicas) throws IOException {
        Module model;
        Optimizer optimizer;
        History history = History.empty();
        synchronized (INIT) {
            Minibatch.manualSeed(plan.seed());
            model = job.model();
            optimizer = job.optimizer(model);
            Path dir = Path.of(plan.checkpointDir());
            if (Files.exists(dir.resolve(Checkpoint.STATE_FILE))) {
                Checkpoint checkpoint = Checkpoint.load(dir);
                checkpoint.restore(model, optimizer, new Generator(plan.seed()));
                history = checkpoint.history();
            }
        }
        return new Replica(job, plan, rank, replicas, model, optimizer, job.trainData(), job.validData(), history);
    }

    /** What rank 0 checks every rank against before the first step (see {@link Handshake}). */
    Map<String, String> description() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("ranks", Integer.toString(replicas));
        d.put("model", model.toString().replaceAll("\\s*\\n\\s*", " "));
        model.namedParameters().forEach((name, p) -> d.put("parameter " + name, Arrays.toString(p.shape())));
        optimizer.stateDict().forEach((key, t) -> {
            if (key.startsWith("param_groups.")) {
                d.put("optimizer " + key, t.toString());
            }
        });
        d.put("optimizer", optimizer.getClass().getSimpleName());
        d.put("training samples", Integer.toString(train.size()));
        d.put("validation samples", Integer.toString(valid.size()));
        d.put("batch size", Integer.toString(plan.batchSize()));
        d.put("seed", Long.toString(plan.seed()));
        d.put("epochs", Integer.toString(plan.epochs()));
        d.put("resumed after epoch", Integer.toString(history.lastEpoch()));
        job.settings().forEach((k, v) -> d.put("setting " + k, v));
        return d;
    }

    /** Trains the epochs the checkpoint lacks, starting from rank 0's parameters, and reports. */
    RankResult train(AllReduce allReduce, int stageAttempt) throws IOException {
        List<float[]> values = new ArrayList<>();
        model.parameters().forEach(p -> values.add(p.storage()));
        float[] flat = new float[Flat.length(values)];
        Flat.gather(values, flat);
        allReduce.broadcast(flat, 0);
        Flat.scatter(flat, values);

        DistributedSampler sampler = new DistributedSampler(train.size(), replicas, rank, true, plan.seed(), false);
        DataLoader<Batch> trainLoader = DataLoader.builder(train).sampler(sampler).batchSize(plan.batchSize()).build();
        DataLoader<Batch> validLoader = DataLoader.builder(valid).batchSize(plan.batchSize() * 2).build();
        Learner learner = new Learner(model, job.loss(), optimizer, trainLoader, validLoader).resumeFrom(history);
        learner.addCallbacks(new Callback() {
            @Override
            public void beforeEpoch(Learner l) {
                sampler.setEpoch(l.epoch());
            }
        }, new GradientAveraging(allReduce));
        List<Callback> extra = job.callbacks(rank, replicas);
        learner.addCallbacks(extra.toArray(new Callback[0]));
        if (rank == 0) {
            learner.addCallbacks(new CheckpointCallback(Path.of(plan.checkpointDir()), model, optimizer,
                    new Generator(plan.seed()), job.settings()));
        }
        int remaining = Math.max(0, plan.epochs() - history.lastEpoch());
        if (remaining > 0) {
            History done = learner.fit(remaining);
            boolean earlyStop = extra.stream().anyMatch(c -> c instanceof EarlyStoppingCallback e && e.stoppedTraining());
            if (done.stopReason().isPresent() && !earlyStop) {
                // A stop of this rank alone (a NaN loss on its share): its peers would only see it leave.
                throw new IllegalStateException("rank " + rank + " stopped training: " + done.stopReason().get());
            }
        }
        return new RankResult(rank, stageAttempt, history.lastEpoch(), learner.iteration(), digest(model));
    }

    static String digest(Module model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Tensor p : model.parameters()) {
                float[] v = p.storage();
                ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES);
                bytes.asFloatBuffer().put(v);
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
