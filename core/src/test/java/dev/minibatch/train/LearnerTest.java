package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Module;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Minibatch;
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
        assertEquals(lastValid[1], last.metric("accuracy"), 1e-6);
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
        assertTrue(last.metric("accuracy") > 0.85, h.toString());
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
            public void afterBatch(Learner learner) {
                if (learner.training()) {
                    losses.add(learner.lossValue());
                }
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

    /** Writes down every event with what the learner holds at that moment. */
    private static final class Recorder implements Callback {
        final List<String> events = new ArrayList<>();

        private void add(String event, Learner l) {
            events.add(event + " " + l.epoch() + "." + l.batchIndex() + (l.training() ? "t" : "v"));
        }

        @Override
        public void beforeFit(Learner l) {
            events.add("beforeFit " + l.history().lastEpoch() + " " + l.lastEpoch());
        }

        @Override
        public void beforeEpoch(Learner l) {
            events.add("beforeEpoch " + l.epoch());
        }

        @Override
        public void beforeTrain(Learner l) {
            events.add("beforeTrain " + l.batches());
        }

        @Override
        public void beforeBatch(Learner l) {
            assertEquals(null, l.pred());
            add("beforeBatch", l);
        }

        @Override
        public void afterPred(Learner l) {
            assertEquals(2, l.pred().dim());
            add("afterPred", l);
        }

        @Override
        public void afterLoss(Learner l) {
            assertEquals(l.loss().item(), l.lossValue());
            add("afterLoss", l);
        }

        @Override
        public void afterBackward(Learner l) {
            assertTrue(l.model().parameters().stream().allMatch(p -> p.grad() != null), "gradients are in place");
            add("afterBackward", l);
        }

        @Override
        public void afterStep(Learner l) {
            add("afterStep " + l.iteration(), l);
        }

        @Override
        public void afterBatch(Learner l) {
            add("afterBatch", l);
        }

        @Override
        public void afterTrain(Learner l) {
            events.add("afterTrain");
        }

        @Override
        public void beforeValidate(Learner l) {
            events.add("beforeValidate " + l.batches());
        }

        @Override
        public void afterValidate(Learner l) {
            events.add("afterValidate " + l.epochResult().epoch() + " history " + l.history().lastEpoch());
        }

        @Override
        public void afterEpoch(Learner l) {
            events.add("afterEpoch history " + l.history().lastEpoch());
        }

        @Override
        public void afterFit(Learner l) {
            events.add("afterFit " + l.history().lastEpoch());
        }
    }

    @Test
    void callbacksSeeEveryPhaseInOrder() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 100, 1);
        Recorder record = new Recorder();
        Learner learner = new Learner(model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid()).addCallbacks(record);
        learner.fit(1);
        learner.fit(1);
        List<String> oneEpoch = List.of("beforeTrain 2",
                "beforeBatch E.1t", "afterPred E.1t", "afterLoss E.1t", "afterBackward E.1t", "afterStep S1 E.1t",
                "afterBatch E.1t",
                "beforeBatch E.2t", "afterPred E.2t", "afterLoss E.2t", "afterBackward E.2t", "afterStep S2 E.2t",
                "afterBatch E.2t",
                "afterTrain", "beforeValidate 1",
                "beforeBatch E.1v", "afterPred E.1v", "afterLoss E.1v", "afterBatch E.1v");
        List<String> expected = new ArrayList<>(List.of("beforeFit 0 1", "beforeEpoch 1"));
        oneEpoch.forEach(e -> expected.add(e.replace("E.", "1.").replace("S1", "1").replace("S2", "2")));
        expected.addAll(List.of("afterValidate 1 history 0", "afterEpoch history 1", "afterFit 1",
                "beforeFit 1 2", "beforeEpoch 2"));
        oneEpoch.forEach(e -> expected.add(e.replace("E.", "2.").replace("S1", "3").replace("S2", "4")));
        expected.addAll(List.of("afterValidate 2 history 1", "afterEpoch history 2", "afterFit 2"));
        assertEquals(expected, record.events);
        assertEquals(2, learner.history().lastEpoch());
    }

    @Test
    void callbacksRunInOrderThenInTheOrderAdded() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 100, 1);
        List<String> seen = new ArrayList<>();
        class Named implements Callback {
            final String name;
            final int order;

            Named(String name, int order) {
                this.name = name;
                this.order = order;
            }

            @Override
            public int order() {
                return order;
            }

            @Override
            public void beforeFit(Learner learner) {
                seen.add(name);
            }
        }
        Learner.fit(1, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid(),
                new Named("a", 0), new Named("late", 10), new Named("b", 0), new Named("early", -5));
        assertEquals(List.of("early", "a", "b", "late"), seen);
    }

    /** A callback may replace the batch before the forward pass and the loss after it. */
    @Test
    void callbacksChangeTheBatchAndTheLoss() {
        Sequential model = TinyProblem.model(3);
        Sequential twin = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 50, 1);
        DataLoaders twinDls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 50, 1);
        Callback doubleInputsAndLoss = new Callback() {
            @Override
            public void beforeBatch(Learner l) {
                l.setBatch(Batch.of(l.batch().x().mul(2f), l.batch().y()));
            }

            @Override
            public void afterLoss(Learner l) {
                l.setLoss(l.loss().mul(2f));
            }
        };
        History h = Learner.fit(1, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid(), doubleInputsAndLoss);
        BiFunction<Tensor, Tensor, Tensor> byHand = (out, y) -> Functional.crossEntropy(out, y).mul(2f);
        Sequential doubled = new Sequential(new Scale(2f), twin);
        History expected = Learner.fit(1, doubled, byHand, sgd(twin), twinDls.train(), twinDls.valid());
        assertParametersEqual(twin, model);
        assertEquals(expected.last().orElseThrow().trainLoss(), h.last().orElseThrow().trainLoss(), 1e-6);
        assertEquals(expected.last().orElseThrow().validLoss(), h.last().orElseThrow().validLoss(), 1e-6);
    }

    /** {@code x * factor}, a module without parameters. */
    private static final class Scale extends Module {
        private final float factor;

        Scale(float factor) {
            this.factor = factor;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(factor);
        }
    }

    /** A skipped batch takes no step and does not count in the training loss; afterBatch still sees it. */
    @Test
    void skippingABatchTakesNoStep() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 100, 1);
        List<String> seen = new ArrayList<>();
        float[][] before = new float[1][];
        Callback skipSecond = new Callback() {
            @Override
            public void afterBackward(Learner l) {
                if (l.batchIndex() == 2) {
                    before[0] = l.model().parameters().get(0).toFloatArray();
                    l.skipBatch();
                }
            }

            @Override
            public void afterStep(Learner l) {
                seen.add("step " + l.batchIndex());
            }

            @Override
            public void afterBatch(Learner l) {
                if (l.training()) {
                    seen.add("batch " + l.batchIndex() + (l.batchCancelled() ? " cancelled" : ""));
                    assertTrue(l.model().parameters().stream().allMatch(p -> p.grad() == null), "gradients dropped");
                }
            }
        };
        List<Float> losses = new ArrayList<>();
        Callback lossRecorder = new Callback() {
            @Override
            public void afterLoss(Learner l) {
                if (l.training()) {
                    losses.add(l.lossValue());
                }
            }
        };
        History h = Learner.fit(1, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid(), lossRecorder,
                skipSecond);
        assertEquals(List.of("step 1", "batch 1", "batch 2 cancelled"), seen);
        assertArrayEquals(before[0], model.parameters().get(0).toFloatArray(), "no step after the skip");
        assertEquals(losses.get(0), h.last().orElseThrow().trainLoss(), 1e-6, "only the first batch counts");
    }

    /** {@code stop} lets the epoch finish, its afterEpoch callbacks (a checkpoint) included. */
    @Test
    void stopEndsTrainingAfterTheCurrentEpoch() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 50, 1);
        List<Integer> epochsEnded = new ArrayList<>();
        Callback stopInEpoch2 = new Callback() {
            @Override
            public void afterBatch(Learner l) {
                if (l.epoch() == 2 && l.batchIndex() == 1 && l.training()) {
                    l.stop("enough");
                }
            }

            @Override
            public void afterEpoch(Learner l) {
                epochsEnded.add(l.epoch());
            }
        };
        History h = Learner.fit(5, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid(), stopInEpoch2);
        assertEquals(2, h.lastEpoch());
        assertEquals(List.of(1, 2), epochsEnded);
        assertEquals("enough", h.stopReason().orElseThrow());
    }

    /** A loss that turns NaN at the third batch of the second epoch stops the run there, saying so. */
    @Test
    void stopTrainingExceptionStopsAtOnce() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 50, 1);
        List<Integer> batchesSeen = new ArrayList<>();
        Callback stopper = new Callback() {
            @Override
            public void afterLoss(Learner l) {
                if (l.epoch() == 2 && l.batchIndex() == 3) {
                    throw new StopTrainingException("stop at 2.3");
                }
            }

            @Override
            public void afterBatch(Learner l) {
                if (l.training()) {
                    batchesSeen.add(l.batchIndex());
                }
            }
        };
        History h = Learner.fit(5, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid(), stopper);
        assertEquals(1, h.lastEpoch(), "only epoch 1 completed");
        assertEquals("stop at 2.3", h.stopReason().orElseThrow());
        assertEquals(List.of(1, 2, 3, 4, 1, 2), batchesSeen, "nothing ran after the stop");
    }

    @Test
    void accuracyIsTheDefaultMetricForClassIndicesAndOthersAreByName() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 32, 1);
        History h = Learner.fit(1, model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid());
        assertEquals(List.of("accuracy"), List.copyOf(h.last().orElseThrow().metrics().keySet()));

        Sequential again = TinyProblem.model(3);
        DataLoaders dls2 = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 32, 1);
        History named = new Learner(again, CROSS_ENTROPY, sgd(again), dls2.train(), dls2.valid())
                .metrics(Metric.accuracy(), Metric.topKAccuracy(2), Metric.topKAccuracy(3)).fit(1);
        EpochResult r = named.last().orElseThrow();
        assertEquals(List.of("accuracy", "top2", "top3"), List.copyOf(r.metrics().keySet()));
        assertEquals(h.last().orElseThrow().metric("accuracy"), r.metric("accuracy"), 0.0, "the same run");
        assertTrue(r.metric("top2") >= r.metric("accuracy"));
        assertEquals(1.0, r.metric("top3"), 0.0, "3 classes: the target is always among the top 3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.metric("f1"));
        assertTrue(e.getMessage().contains("[accuracy, top2, top3]"), e.getMessage());
    }

    @Test
    void regressionTargetsHaveNoDefaultMetric() {
        Minibatch.manualSeed(1);
        Linear model = new Linear(3, 1);
        Tensor x = Tensor.randn(40, 3);
        TensorDataset data = new TensorDataset(x, x.sum(1, true));
        DataLoader<Batch> loader = DataLoader.of(data, 10, false);
        BiFunction<Tensor, Tensor, Tensor> mse = (pred, y) -> pred.sub(y).pow(2f).mean();
        History h = Learner.fit(2, model, mse, sgd(model), loader, loader);
        assertTrue(h.last().orElseThrow().metrics().isEmpty());
        assertTrue(h.last().orElseThrow().validLoss() < h.epochs().get(0).trainLoss());
    }

    @Test
    void emptyLoadersAndNegativeEpochsAreRefused() {
        Sequential model = TinyProblem.model(3);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 20, 1);
        Learner learner = new Learner(model, CROSS_ENTROPY, sgd(model), dls.train(), dls.valid());
        assertThrows(IllegalArgumentException.class, () -> learner.fit(-1));
        assertEquals(0, learner.fit(0).lastEpoch());
        assertFalse(learner.history().stopReason().isPresent());
        assertThrows(IllegalArgumentException.class, () -> learner.metrics(Metric.accuracy(), Metric.accuracy()));
    }
}
