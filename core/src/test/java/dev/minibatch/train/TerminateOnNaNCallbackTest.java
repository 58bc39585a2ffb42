package dev.minibatch.train;

import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NaN or infinity in the loss, a gradient, a parameter or the validation loss stops training with a
 * message naming the epoch, the batch and the tensor, and the last checkpoint stays the last good one.
 * The faults are planted in the loss function at a chosen batch: 200 samples in batches of 20 make 10
 * batches an epoch. The learner adds the check by itself; there is only ever one.
 */
class TerminateOnNaNCallbackTest {
    private static final int BATCH = 20;

    @TempDir
    Path dir;

    private final Sequential model = TinyProblem.model(3);
    private final DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), BATCH, 4);
    private int calls;

    /** Cross entropy, plus {@code fault} on the given training batch (counting from 1 over all epochs). */
    private BiFunction<Tensor, Tensor, Tensor> faultAt(int epoch, int batch,
            BiFunction<Tensor, Tensor, Tensor> fault) {
        int call = (epoch - 1) * 10 + batch;
        return (out, y) -> {
            Tensor loss = Functional.crossEntropy(out, y);
            return model.isTraining() && ++calls == call ? fault.apply(loss, out) : loss;
        };
    }

    private History fit(BiFunction<Tensor, Tensor, Tensor> lossFn, Optimizer opt, int epochs, Callback... cbs) {
        return new Learner(model, lossFn, opt, dls.train(), dls.valid()).addCallbacks(cbs).fit(epochs);
    }

    private Optimizer sgd(float lr) {
        return SGD.builder(model.parameters()).lr(lr).build();
    }

    private static String reason(History h) {
        return h.stopReason().orElseThrow(() -> new AssertionError("training did not stop: " + h));
    }

    @Test
    void aNaNLossStopsNamingTheEpochAndBatch() {
        History h = fit(faultAt(2, 3, (loss, out) -> loss.mul(Float.NaN)), sgd(0.1f), 3);
        assertEquals("non-finite value at epoch 2, batch 3: the training loss is NaN (a lower learning rate may help)",
                reason(h));
        assertEquals(1, h.lastEpoch(), "epoch 2 did not end");
    }

    @Test
    void aNaNGradientStopsNamingTheTensor() {
        // sqrt has an infinite slope at 0: d/dw sqrt(sum(w * 0)) = inf * 0 = NaN, while the loss gains 0.
        Tensor w2 = model.namedParameters().get("2.weight");
        History h = fit(faultAt(1, 4, (loss, out) -> loss.add(w2.mul(0f).sum().sqrt())), sgd(0.1f), 2);
        assertEquals("non-finite value at epoch 1, batch 4: the gradient of 2.weight holds NaN at [0, 0], which the "
                + "optimizer step put into the parameters (a lower learning rate may help)", reason(h));
        assertEquals(0, h.lastEpoch());
    }

    @Test
    void anOverflowingStepStopsNamingTheParameter() {
        History h = fit(faultAt(1, 1, (loss, out) -> loss.mul(1e4f)), sgd(1e38f), 1);
        String expected = "non-finite value at epoch 1, batch 1: parameter [02]\\.(weight|bias) holds -?Infinity at "
                + "\\[[0-9, ]+] after the optimizer step, from finite gradients \\(a lower learning rate may help\\)";
        assertTrue(reason(h).matches(expected), reason(h));
    }

    @Test
    void aDivergingLearningRateIsStoppedAtTheFirstNonFiniteValue() {
        History h = fit((out, y) -> Functional.crossEntropy(out, y), sgd(1e12f), 20);
        assertTrue(reason(h).matches("non-finite value at epoch 1, batch \\d+: .*"), reason(h));
        assertEquals(0, h.lastEpoch());
    }

    @Test
    void anInfiniteValidationLossStopsNamingTheEpoch() {
        BiFunction<Tensor, Tensor, Tensor> lossFn = (out, y) -> model.isTraining() ? Functional.crossEntropy(out, y)
                : Functional.crossEntropy(out, y).add(Float.POSITIVE_INFINITY);
        History h = fit(lossFn, sgd(0.1f), 2);
        assertEquals("non-finite value at epoch 1: the validation loss is Infinity (a lower learning rate may help)",
                reason(h));
        assertEquals(0, h.lastEpoch());
    }

    @Test
    void theLastGoodCheckpointRemains() throws IOException {
        Path ck = dir.resolve("checkpoint");
        Optimizer opt = sgd(0.1f);
        Generator shuffle = dls.generator();
        Map<String, float[]> afterEpoch2 = new LinkedHashMap<>();
        Callback remember = new Callback() {
            @Override
            public void afterEpoch(Learner learner) {
                if (learner.epoch() == 2) {
                    model.stateDict().forEach((name, t) -> afterEpoch2.put(name, t.toFloatArray()));
                }
            }
        };
        History h = fit(faultAt(3, 5, (loss, out) -> loss.mul(Float.NaN)), opt, 4, remember,
                new CheckpointCallback(ck, model, opt, shuffle, Map.of()));
        assertTrue(reason(h).startsWith("non-finite value at epoch 3, batch 5"), reason(h));
        Checkpoint last = Checkpoint.load(ck);
        assertEquals(2, last.epoch());
        Sequential restored = TinyProblem.model(99);
        last.restore(restored, SGD.builder(restored.parameters()).lr(0.1f).build(), new Generator(0));
        restored.stateDict().forEach((name, t) -> assertArrayEquals(afterEpoch2.get(name), t.toFloatArray(), name));
    }

    @Test
    void canBeTurnedOff() {
        Learner learner = new Learner(model, faultAt(1, 2, (loss, out) -> loss.mul(Float.NaN)), sgd(0.1f),
                dls.train(), dls.valid()).checkNumerics(false);
        History h = learner.fit(1);
        assertTrue(h.stopReason().isEmpty());
        assertTrue(Double.isNaN(h.last().orElseThrow().trainLoss()), "the NaN went into the epoch's mean");
    }

    @Test
    void oneCheckRunsFirstEvenWhenAddedByHandAndLast() {
        List<String> seen = new ArrayList<>();
        Callback watcher = new Callback() {
            @Override
            public void afterLoss(Learner learner) {
                seen.add("watcher saw loss " + learner.lossValue());
            }
        };
        Learner learner = new Learner(model, faultAt(1, 1, (loss, out) -> loss.mul(Float.NaN)), sgd(0.1f),
                dls.train(), dls.valid()).addCallbacks(watcher, new TerminateOnNaNCallback());
        History h = learner.fit(1);
        assertTrue(reason(h).startsWith("non-finite value at epoch 1, batch 1"), reason(h));
        assertEquals(List.of(), seen, "the check ran before the watcher and stopped the run");
        assertEquals(1, learner.callbacks().stream().filter(c -> c instanceof TerminateOnNaNCallback).count());
    }
}
