package dev.minibatch.train;

import dev.minibatch.io.Safetensors;
import dev.minibatch.io.SafetensorsFormatException;
import dev.minibatch.io.SpecReader;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.Module;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Adam;
import dev.minibatch.optim.OneCycleLR;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    private static final Map<String, String> SETTINGS = Map.of("model", "mlp-8-16-3", "lr", "0.01");

    @TempDir
    Path dir;

    /** Everything a run is made of, built from scratch as a new process would. */
    private static final class Run {
        final Sequential model;
        final Optimizer optimizer;
        final DataLoaders dls;
        final Learner learner;

        Run(long initSeed) {
            model = TinyProblem.model(initSeed);
            optimizer = Adam.builder(model.parameters()).lr(0.01f).build();
            dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 32, 7);
            learner = new Learner(model, Functional::crossEntropy, optimizer, dls.train(), dls.valid());
        }

        CheckpointCallback checkpoints(Path dir) {
            return new CheckpointCallback(dir, model, optimizer, dls.generator(), SETTINGS);
        }
    }

    /**
     * Training 3 epochs straight and training 1, saving, loading into freshly built objects (initialised
     * differently, with a different default generator) and training 2 more give the same bits.
     */
    @Test
    void resumingGivesBitIdenticalParameters() throws IOException {
        Run straight = new Run(11);
        History full = straight.learner.fit(3);

        Run first = new Run(11);
        first.learner.addCallbacks(first.checkpoints(dir)).fit(1);
        Minibatch.manualSeed(777);

        Run resumed = new Run(12);
        Checkpoint checkpoint = Checkpoint.load(dir);
        checkpoint.restore(resumed.model, resumed.optimizer, resumed.dls.generator());
        History rest = resumed.learner.resumeFrom(checkpoint.history()).fit(2);

        LearnerTest.assertParametersEqual(straight.model, resumed.model);
        assertEquals(3, rest.lastEpoch());
        for (int e = 0; e < 3; e++) {
            EpochResult a = full.epochs().get(e);
            EpochResult b = rest.epochs().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), "epoch " + (e + 1));
            assertEquals(a.validLoss(), b.validLoss(), "epoch " + (e + 1));
            assertEquals(a.metrics(), b.metrics(), "epoch " + (e + 1));
        }
    }

    /**
     * A one-cycle run (SGD, its momentum cycled too) checkpointed after epoch 1 of 3 and resumed into freshly
     * built objects ends with the same bits as the run that never stopped: the checkpoint holds the schedule.
     */
    @Test
    void oneCycleResumedMidRunEndsBitIdentical() throws IOException {
        History full = oneCycleRun(null, null, 3);
        Path afterEpoch1 = dir.resolve("after-epoch-1");
        oneCycleRun(afterEpoch1, null, 1);
        Minibatch.manualSeed(999);
        History rest = oneCycleRun(dir.resolve("resumed"), Checkpoint.load(afterEpoch1), 2);
        assertEquals(full.epochs().stream().map(EpochResult::trainLoss).toList(),
                rest.epochs().stream().map(EpochResult::trainLoss).toList());
        LearnerTest.assertParametersEqual(lastOneCycleModel[0], lastOneCycleModel[1]);
    }

    private final Sequential[] lastOneCycleModel = new Sequential[2];

    /** Three epochs of a one-cycle schedule, of which {@code epochs} run here, checkpointing into {@code out}. */
    private History oneCycleRun(Path out, Checkpoint from, int epochs) {
        Sequential model = TinyProblem.model(11);
        Optimizer sgd = SGD.builder(model.parameters()).lr(0.1f).momentum(0.9f).build();
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 32, 7);
        OneCycleLR schedule = OneCycleLR.builder(sgd, 0.2).epochs(3, dls.train().size()).build();
        Learner learner = new Learner(model, Functional::crossEntropy, sgd, dls.train(), dls.valid())
                .addCallbacks(LRSchedulerCallback.perBatch(schedule));
        if (from != null) {
            from.restore(model, sgd, schedule, dls.generator());
            learner.resumeFrom(from.history());
        }
        if (out != null) {
            learner.addCallbacks(new CheckpointCallback(out, model, sgd, schedule, dls.generator(), SETTINGS));
        }
        lastOneCycleModel[from == null && out == null ? 0 : 1] = model;
        return learner.fit(epochs);
    }

    @Test
    void aScheduleMustBeResumedWithASchedule() throws IOException {
        Path withSchedule = dir.resolve("with");
        oneCycleRun(withSchedule, null, 1);
        Run plain = new Run(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(withSchedule).restore(plain.model, plain.optimizer, plain.dls.generator()));
        assertTrue(e.getMessage().contains("resume it with the same schedule"), e.getMessage());
        Run first = new Run(3);
        first.learner.addCallbacks(first.checkpoints(dir)).fit(1);
        Sequential model = TinyProblem.model(3);
        Optimizer sgd = SGD.builder(model.parameters()).lr(0.1f).momentum(0.9f).build();
        OneCycleLR schedule = OneCycleLR.builder(sgd, 0.2).totalSteps(100).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(dir).restore(model, sgd, schedule, first.dls.generator()));
        assertTrue(e.getMessage().contains("without a learning-rate schedule"), e.getMessage());
    }

    /** A checkpoint of the first format (one optimizer group's flat keys, accuracy as valid_acc) still resumes. */
    @Test
    void aVersion1CheckpointStillResumes() throws IOException {
        Run first = new Run(5);
        History h = first.learner.fit(1);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        first.model.stateDict().forEach((k, t) -> state.put("model." + k, t));
        first.optimizer.stateDict().forEach((k, t) -> state.put("optimizer." + k.replace("param_groups.0.",
                "param_groups."), t));
        EpochResult r = h.last().orElseThrow();
        String history = String.format(java.util.Locale.ROOT, "[{\"epoch\":1,\"train_loss\":%s,\"valid_loss\":%s,"
                + "\"valid_acc\":%s,\"seconds\":%s}]", r.trainLoss(), r.validLoss(), r.metric("accuracy"), r.seconds());
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("format", "minibatch-checkpoint-1");
        meta.put("epoch", "1");
        meta.put("generator", longs(first.dls.generator().getState()));
        meta.put("default_generator", longs(Minibatch.defaultGenerator().getState()));
        meta.put("history", history);
        meta.put("settings", "{}");
        Safetensors.save(dir.resolve(Checkpoint.STATE_FILE), state, meta);

        Run resumed = new Run(77);
        Checkpoint old = Checkpoint.load(dir);
        old.restore(resumed.model, resumed.optimizer, resumed.dls.generator());
        assertEquals(r.metric("accuracy"), old.history().last().orElseThrow().metric("accuracy"));
        resumed.learner.resumeFrom(old.history()).fit(1);
        first.learner.fit(1);
        LearnerTest.assertParametersEqual(first.model, resumed.model);
    }

    private static String longs(long[] values) {
        return java.util.Arrays.stream(values).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(","));
    }

    /**
     * {@code model.safetensors} is exactly the state dict under PyTorch's names, as load_state_dict wants it;
     * its metadata also holds the run's settings, so that the file alone says how it was trained.
     */
    @Test
    void modelFileHoldsOnlyTheStateDictUnderPyTorchNames() throws IOException {
        Run run = new Run(3);
        run.learner.addCallbacks(run.checkpoints(dir)).fit(1);
        SpecReader.File file = SpecReader.read(Files.readAllBytes(dir.resolve(Checkpoint.MODEL_FILE)));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(file.tensors().keySet()));
        Map<String, Tensor> state = run.model.stateDict();
        for (String name : state.keySet()) {
            SpecReader.Entry e = file.tensors().get(name);
            assertEquals("F32", e.dtype());
            assertArrayEquals(state.get(name).shape(), e.shape(), name);
            assertArrayEquals(state.get(name).storage(), e.floats(), name);
        }
        assertArrayEquals(new int[] {16, 8}, file.tensors().get("0.weight").shape(), "[out_features, in_features]");
        Map<String, String> metadata = new java.util.HashMap<>(SETTINGS);
        metadata.putAll(Map.of("format", "pt", "epoch", "1"));
        assertEquals(metadata, file.metadata());
    }

    @Test
    void checkpointKeepsHistorySettingsAndOptimizerState() throws IOException {
        Run run = new Run(3);
        History h = run.learner.addCallbacks(run.checkpoints(dir)).fit(2);
        Checkpoint c = Checkpoint.load(dir);
        assertEquals(2, c.epoch());
        assertEquals(h.epochs(), c.history().epochs());
        assertEquals(SETTINGS, c.settings());
        SpecReader.File state = SpecReader.read(Files.readAllBytes(dir.resolve(Checkpoint.STATE_FILE)));
        assertTrue(state.tensors().containsKey("model.0.weight"));
        assertTrue(state.tensors().containsKey("optimizer.state.0.exp_avg"), state.tensors().keySet().toString());
        assertEquals(Checkpoint.FORMAT, state.metadata().get("format"));
    }

    @Test
    void historyRoundTripsExactlyEvenWhenADivergedEpochIsInIt() throws IOException {
        Run run = new Run(3);
        History h = History.of(List.of(new EpochResult(1, 0.1 + 0.2, 1.0 / 3, Map.of("accuracy", 0.9687), 2.5e-3),
                new EpochResult(2, Double.NaN, Double.POSITIVE_INFINITY, Map.of("accuracy", 0.1, "top5", 0.7), 1)));
        Checkpoint.save(dir, run.model, run.optimizer, run.dls.generator(), h, Map.of());
        assertEquals(h.epochs(), Checkpoint.load(dir).history().epochs());
    }

    @Test
    void checkpointForAnotherModelIsRefusedWithTheDifferences() throws IOException {
        Run run = new Run(3);
        run.learner.addCallbacks(run.checkpoints(dir)).fit(1);
        Minibatch.manualSeed(1);
        Module other = new Sequential(new Linear(TinyProblem.FEATURES, 32), new Linear(32, TinyProblem.CLASSES));
        Optimizer opt = Adam.builder(other.parameters()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(dir).restore(other, opt, run.dls.generator()));
        assertTrue(e.getMessage().contains("does not fit this model"), e.getMessage());
        assertTrue(e.getMessage().contains("size mismatch for 0.weight"), e.getMessage());
    }

    @Test
    void foreignOrDamagedFilesAreFormatErrors() throws IOException {
        Safetensors.save(dir.resolve(Checkpoint.STATE_FILE), Map.of("w", Tensor.ones(1)), Map.of("format", "pt"));
        SafetensorsFormatException foreign = assertThrows(SafetensorsFormatException.class, () -> Checkpoint.load(dir));
        assertTrue(foreign.getMessage().contains("not a Minibatch checkpoint"), foreign.getMessage());

        Safetensors.save(dir.resolve(Checkpoint.STATE_FILE), Map.of(), Map.of("format", Checkpoint.FORMAT,
                "epoch", "1", "history", "[]", "settings", "{}", "generator", "1,2,3,4,5", "default_generator", "1"));
        SafetensorsFormatException damaged = assertThrows(SafetensorsFormatException.class, () -> Checkpoint.load(dir));
        assertTrue(damaged.getMessage().contains("epoch 1 does not match its history of 0 epochs"), damaged.getMessage());

        Files.write(dir.resolve(Checkpoint.STATE_FILE), new byte[] {1, 2, 3});
        assertThrows(SafetensorsFormatException.class, () -> Checkpoint.load(dir));
    }
}
