package dev.minibatch.train;

import dev.minibatch.Fixtures;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.OneCycleLR;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LRFinderTest {
    @TempDir
    Path dir;

    private static Map<String, float[]> snapshot(Map<String, Tensor> state) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        state.forEach((k, t) -> out.put(k, t.toFloatArray()));
        return out;
    }

    private static void assertSameState(Map<String, float[]> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k).toFloatArray(), k));
    }

    /**
     * After a sweep the model, the optimizer (momentum buffers, lr) and the shuffle order are as they were:
     * the next epoch gives the same parameters, bit for bit, as a run that never swept.
     */
    @Test
    void theModelOptimizerAndGeneratorsAreRestoredBitForBit() {
        Sequential model = TinyProblem.model(5);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 16, 7);
        Optimizer opt = SGD.builder(model.parameters()).lr(0.1f).momentum(0.9f).build();
        Learner learner = new Learner(model, Functional::crossEntropy, opt, dls.train(), dls.valid());
        learner.fit(1);
        Map<String, float[]> weights = snapshot(model.stateDict());
        Map<String, float[]> optimizerState = snapshot(opt.stateDict());
        long[] defaultGenerator = Minibatch.defaultGenerator().getState();

        LRFinder.Result r = LRFinder.builder().numIt(30).restoring(dls.generator()).build().run(learner);
        assertTrue(r.lrs().length >= 2 && r.lrs().length <= 30, "at most numIt batches: " + r.lrs().length);
        assertSameState(weights, model.stateDict());
        assertSameState(optimizerState, opt.stateDict());
        assertArrayEquals(defaultGenerator, Minibatch.defaultGenerator().getState());
        assertEquals(0.1f, opt.lr());
        learner.fit(1);

        Sequential straight = TinyProblem.model(5);
        DataLoaders straightDls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 16, 7);
        Optimizer straightOpt = SGD.builder(straight.parameters()).lr(0.1f).momentum(0.9f).build();
        new Learner(straight, Functional::crossEntropy, straightOpt, straightDls.train(), straightDls.valid()).fit(2);
        LearnerTest.assertParametersEqual(straight, model);
    }

    /** The learning rate grows geometrically from startLr; the sweep stops when the loss passes 4x its best. */
    @Test
    void theSweepIsExponentialAndStopsWhenTheLossDiverges() {
        Sequential model = TinyProblem.model(5);
        DataLoaders dls = DataLoaders.of(TinyProblem.train(), TinyProblem.valid(), 8, 7);
        Learner learner = new Learner(model, Functional::crossEntropy, SGD.builder(model.parameters()).lr(0.1f).build(),
                dls.train(), dls.valid());
        LRFinder.Result r = LRFinder.builder().startLr(1e-4).endLr(1e4).numIt(80).build().run(learner);
        double ratio = Math.pow(1e8, 1.0 / 79);
        assertEquals(1e-4, r.lrs()[0], 1e-18);
        for (int i = 1; i < r.lrs().length; i++) {
            assertEquals(ratio, r.lrs()[i] / r.lrs()[i - 1], 1e-9);
        }
        assertTrue(r.lrs().length < 80, "an lr of 10^4 diverges before the end: " + r.lrs().length);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < r.losses().length - 1; i++) {
            best = Math.min(best, r.losses()[i]);
        }
        double last = r.losses()[r.losses().length - 1];
        assertTrue(!Double.isFinite(last) || last > 4 * best, "stopped at the divergence: " + last + " vs " + best);
    }

    /** fastai's rules on a curve whose answers can be worked out by hand. */
    @Test
    void suggestionsFollowFastaisRules() {
        double[] lrs = {1e-3, 1e-2, 1e-1, 1, 10};
        double[] losses = {2.0, 1.9, 1.0, 0.8, 3.0};
        // Slopes per decade: -0.1, -0.9, -0.2, +2.2: the steepest starts at lr 1e-2.
        assertEquals(1e-2, LRFinder.steep(lrs, losses, 0, 5));
        // The longest decreasing run is 2.0 > 1.9 > 1.0 > 0.8 (indices 0-3): lds[3] = 4, so start = 3 - 4 = -1,
        // sections = 4/3, and the index is -1 + 1 + 0 = 0, fastai's arithmetic exactly.
        assertEquals(1e-3, LRFinder.valley(lrs, losses, 0, 5));
        double[] longer = new double[20];
        double[] lossCurve = new double[20];
        for (int i = 0; i < 20; i++) {
            longer[i] = Math.pow(10, -6 + i * 0.5);
            lossCurve[i] = i < 14 ? 3 - 0.2 * i - (i >= 7 ? 0.3 : 0) : 10;
        }
        LRFinder.Result r = LRFinder.suggest(longer, lossCurve);
        // Points 2..14 are kept (the first tenth and the last five are dropped); the run of 12 falling losses
        // from point 2 to 13 gives start = 11 - 12 = -1, sections = 4, index -1 + 4 + 2 = 5, point 7.
        assertEquals(longer[7], r.valley(), 1e-15);
        assertEquals(longer[6], r.steep(), 1e-15, "the extra drop from point 6 to 7");
        assertThrows(IllegalStateException.class, () -> LRFinder.suggest(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> LRFinder.builder().startLr(1).endLr(0.5).build());
        assertThrows(IllegalArgumentException.class, () -> LRFinder.builder().numIt(1).build());
    }

    @Test
    void thePlotIsAPng() throws IOException {
        double[] lrs = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        LRFinder.Result r = new LRFinder.Result(lrs, new double[] {2, 1.5, 0.7, 0.9, 4}, 1e-3, 1e-2);
        r.plot(dir.resolve("lr_find.png"));
        assertEquals(800, ImageIO.read(dir.resolve("lr_find.png").toFile()).getWidth());
    }

    /**
     * The suggestion trains the lesson's model to 0.96 in 5 epochs, used as fastai uses it: as the peak of a
     * one-cycle schedule (which also cycles SGD's momentum between 0.85 and 0.95).
     */
    @Test
    void theValleySuggestionTrainsTheLessonsModel() throws IOException {
        Splits mnist = Mnist.load(Fixtures.mnistDir(), List.of());
        Minibatch.manualSeed(1);
        Sequential model = new Sequential(new Linear(784, 50), new ReLU(), new Linear(50, 10));
        DataLoaders dls = DataLoaders.of(mnist.train(), mnist.valid(), 50, 1);
        Optimizer opt = SGD.builder(model.parameters()).lr(0.5f).build();
        Learner learner = new Learner(model, Functional::crossEntropy, opt, dls.train(), dls.valid());
        LRFinder.Result r = LRFinder.builder().restoring(dls.generator()).build().run(learner);
        assertTrue(r.valley() > 1e-3 && r.valley() < 10, "a sensible suggestion: " + r.valley());
        OneCycleLR schedule = OneCycleLR.builder(opt, r.valley()).epochs(5, dls.train().size()).build();
        History h = learner.addCallbacks(LRSchedulerCallback.perBatch(schedule)).fit(5);
        assertTrue(h.last().orElseThrow().metric("accuracy") >= 0.96, "lr " + r.valley() + ": " + h);
    }
}
