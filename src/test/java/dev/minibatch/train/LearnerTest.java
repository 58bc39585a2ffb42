package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Module;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearnerTest {
    private static final BiFunction<Tensor, Tensor, Tensor> CROSS_ENTROPY = Functional::crossEntropy;

    private static Optimizer sgd(Module model) {
        return SGD.builder(model.parameters()).lr(0.1f).build();
    }

    /**
     * The lesson's fit, written out by hand: the Learner must give the same parameters and the same
     * validation numbers, averaged over samples (90 samples in batches of 64 and 26).
     */
    @Test
    void fitIsTheLessonsLoop() {
        Sequential byHand = TinyProblem.model(5);
        Optimizer handOpt = sgd(byHand);
        DataLoaders handDls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 32, 7);
        double[] lastValid = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            byHand.train();
            for (Batch b : handDls.train()) {
                Tensor loss = Functional.crossEntropy(byHand.forward(b.x()), b.y());
                loss.backward();
                handOpt.step();
                handOpt.zeroGrad();
            }
            byHand.eval();
            double totLoss = 0;
            double totAcc = 0;
            int count = 0;
            try (Autograd.NoGrad g = Autograd.noGrad()) {
                for (Batch b : handDls.valid()) {
                    Tensor pred = byHand.forward(b.x());
                    int n = b.x().size(0);
                    count += n;
                    totLoss += Functional.crossEntropy(pred, b.y()).item() * n;
                    totAcc += Metrics.accuracy(pred, b.y()) * n;
                }
            }
            lastValid = new double[] {totLoss / count, totAcc / count};
        }

        Sequential model = TinyProblem.model(5);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 32, 7);
        History h = Learner.fit(2, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid());

        assertEquals(2, h.lastEpoch());
        assertParametersEqual(byHand, model);
        EpochResult last = h.last().orElseThrow();
        assertEquals(lastValid[0], last.validLoss(), 1e-6);
        assertEquals(lastValid[1], last.validAccuracy(), 1e-6);
    }

    @Test
    void trainingLowersTheLossAndRaisesTheAccuracy() {
        Sequential model = TinyProblem.model(5);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 16, 7);
        Optimizer opt = SGD.builder(model.parameters()).lr(0.2f).momentum(0.9f).build();
        History h = Learner.fit(10, model, CROSS_ENTROPY, opt, dls.train(), dls.valid());
        EpochResult first = h.epochs().get(0);
        EpochResult last = h.last().orElseThrow();
        assertTrue(last.trainLoss() < first.trainLoss() / 2, h.toString());
        assertTrue(last.validAccuracy() > 0.85, h.toString());
    }

    static void assertParametersEqual(Module expected, Module actual) {
        var e = expected.stateDict();
        var a = actual.stateDict();
        assertEquals(e.keySet(), a.keySet());
        e.forEach((name, t) -> assertArrayEquals(t.storage(), a.get(name).storage(), name));
    }

    /** 200 samples in batches of 64: the last batch of 8 weighs 8/200 in the epoch's training loss. */
    @Test
    void trainLossIsTheMeanOverSamples() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 64, 1);
        List<Float> losses = new ArrayList<>();
        Callback record = new Callback() {
            @Override
            public void onBatchEnd(int epoch, int batch, float loss) {
                losses.add(loss);
            }
        };
        History h = Learner.fit(1, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid(), record);
        assertEquals(4, losses.size());
        double expected = (64.0 * losses.get(0) + 64.0 * losses.get(1) + 64.0 * losses.get(2) + 8.0 * losses.get(3))
                / 200;
        assertEquals(expected, h.epochs().get(0).trainLoss(), 1e-12);
    }

    /** Records the mode and the gradient switch each time the model runs. */
    private static final class ModeProbe extends Module {
        final List<String> calls = new ArrayList<>();

        @Override
        public Tensor forward(Tensor x) {
            calls.add((isTraining() ? "train" : "eval") + (Autograd.isGradEnabled() ? "+grad" : "-grad"));
            return x;
        }
    }

    @Test
    void trainingRunsInTrainModeAndValidationInEvalModeWithoutGradients() {
        Sequential model = TinyProblem.model(3);
        ModeProbe probe = new ModeProbe();
        Sequential probed = new Sequential(probe, model);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 100, 1);
        Learner.fit(1, probed, CROSS_ENTROPY, sgd(probed), dls.train(), dls.valid());
        assertEquals(List.of("train+grad", "train+grad", "eval-grad"), probe.calls);
        assertTrue(Autograd.isGradEnabled(), "gradients are back on after validation");
    }

    @Test
    void callbacksSeeEveryStepInOrder() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 100, 1);
        List<String> events = new ArrayList<>();
        Callback record = new Callback() {
            @Override
            public void onFitStart(History previous, int lastEpoch) {
                events.add("fitStart " + previous.lastEpoch() + " " + lastEpoch);
            }

            @Override
            public void onEpochStart(int epoch, int batches) {
                events.add("epochStart " + epoch + " " + batches);
            }

            @Override
            public void onBatchEnd(int epoch, int batch, float loss) {
                events.add("batch " + epoch + "." + batch);
            }

            @Override
            public void onEpochEnd(EpochResult result) {
                events.add("epochEnd " + result.epoch());
            }

            @Override
            public void onFitEnd(History history) {
                events.add("fitEnd " + history.lastEpoch());
            }
        };
        Learner learner = new Learner(model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid()).addCallbacks(record);
        learner.fit(2);
        learner.fit(1);
        assertEquals(List.of("fitStart 0 2", "epochStart 1 2", "batch 1.1", "batch 1.2", "epochEnd 1",
                "epochStart 2 2", "batch 2.1", "batch 2.2", "epochEnd 2", "fitEnd 2",
                "fitStart 2 3", "epochStart 3 2", "batch 3.1", "batch 3.2", "epochEnd 3", "fitEnd 3"), events);
        assertEquals(3, learner.history().lastEpoch());
    }

    /** A loss that turns NaN at the third batch of the second epoch stops the run there, saying so. */
    @Test
    void nanLossStopsTrainingNamingEpochAndBatch() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 50, 1);
        int[] calls = {0};
        BiFunction<Tensor, Tensor, Tensor> poisoned = (out, y) -> {
            Tensor loss = Functional.crossEntropy(out, y);
            // 4 training batches and 1 validation batch per epoch: call 8 is epoch 2, batch 3.
            return ++calls[0] == 8 ? loss.mul(Float.NaN) : loss;
        };
        List<Integer> batchesSeen = new ArrayList<>();
        Callback after = new Callback() {
            @Override
            public void onBatchEnd(int epoch, int batch, float loss) {
                batchesSeen.add(batch);
            }
        };
        // The Learner's own check would stop first; this is about stopping from a callback.
        History h = new Learner(model, poisoned, sgd(model), dls.train(), dls.valid()).checkNumerics(false)
                .addCallbacks(new TerminateOnNaNCallback(), after).fit(5);
        assertEquals(1, h.lastEpoch(), "only epoch 1 completed");
        assertEquals("the training loss became NaN at epoch 2, batch 3 (a lower learning rate may help)",
                h.stopReason().orElseThrow());
        assertEquals(List.of(1, 2, 3, 4, 1, 2), batchesSeen, "nothing ran after the stop");
    }

    @Test
    void divergingLearningRateIsStoppedEarly() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 20, 1);
        Optimizer wild = SGD.builder(model.parameters()).lr(1e12f).build();
        History h = new Learner(model, CROSS_ENTROPY, wild, dls.train(), dls.valid()).checkNumerics(false)
                .addCallbacks(new TerminateOnNaNCallback()).fit(20);
        String reason = h.stopReason().orElseThrow();
        assertTrue(reason.matches("the training loss became (NaN|Infinity) at epoch \\d+, batch \\d+ .*"), reason);
        assertTrue(h.lastEpoch() < 20);
    }

    @Test
    void emptyLoadersAndNegativeEpochsAreRefused() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 20, 1);
        Learner learner = new Learner(model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid());
        assertThrows(IllegalArgumentException.class, () -> learner.fit(-1));
        assertEquals(0, learner.fit(0).lastEpoch());
        assertFalse(learner.history().stopReason().isPresent());
    }
}
