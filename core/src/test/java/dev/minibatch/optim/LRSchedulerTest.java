package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schedules against PyTorch's documented closed forms, and the refusals. */
class LRSchedulerTest {
    private static SGD sgd(float lr) {
        return SGD.builder(List.of(Tensor.zeros(2).requiresGrad(true))).lr(lr).momentum(0.9f).build();
    }

    /** Asserts group {@code g}'s rate at epochs 0 to n - 1 against {@code expected}, within float32 rounding. */
    private static void assertSchedule(LRScheduler s, int g, int n, IntToDoubleFunction expected) {
        for (int e = 0; e < n; e++) {
            double want = expected.applyAsDouble(e);
            float got = s.optimizer().paramGroups().get(g).lr();
            assertEquals(want, got, 1e-6 * want, "epoch " + e);
            assertEquals(got, s.lastLr()[g], "lastLr is what the group holds");
            s.step();
        }
    }

    @Test
    void multiStepLRMultipliesAtEachMilestone() {
        MultiStepLR s = new MultiStepLR(sgd(0.5f), new int[] {5, 2, 5}, 0.5);
        assertSchedule(s, 0, 9, e -> 0.5 * Math.pow(0.5, (e >= 2 ? 1 : 0) + (e >= 5 ? 2 : 0)));
    }

    @Test
    void linearLRScalesTheBaseRateByALinearFactor() {
        assertSchedule(new LinearLR(sgd(0.3f)), 0, 8, e -> 0.3 * (1.0 / 3 + (1 - 1.0 / 3) * Math.min(e, 5) / 5));
        assertSchedule(new LinearLR(sgd(0.3f), 1, 0.1, 4), 0, 8, e -> 0.3 * (1 + (0.1 - 1) * Math.min(e, 4) / 4));
    }

    @Test
    void cosineAnnealingFollowsTheClosedFormForEachGroup() {
        SGD opt = SGD.builder(List.of(Tensor.zeros(1).requiresGrad(true)))
                .group(List.of(Tensor.zeros(1).requiresGrad(true)), g -> g.lr(0.02f)).lr(0.1f).build();
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 4, 0.001);
        for (int e = 0; e < 12; e++) {
            for (int g = 0; g < 2; g++) {
                double base = g == 0 ? 0.1f : 0.02f;
                double want = 0.001 + (base - 0.001) * (1 + Math.cos(Math.PI * e / 4)) / 2;
                assertEquals(want, opt.paramGroups().get(g).lr(), 1e-6 * want, "group " + g + ", epoch " + e);
            }
            s.step();
        }
    }

    @Test
    void sequentialLRRestartsTheNextSchedulerAtItsMilestone() {
        SGD opt = sgd(0.2f);
        SequentialLR s = new SequentialLR(opt, List.of(new LinearLR(opt, 0.5, 1, 2), new ExponentialLR(opt, 0.9)),
                new int[] {3});
        assertSchedule(s, 0, 8, e -> e < 3 ? 0.2 * (0.5 + 0.5 * Math.min(e, 2) / 2) : 0.2 * Math.pow(0.9, e - 3));
    }

    @Test
    void chainedSchedulerMultipliesTheSchedules() {
        SGD opt = sgd(1f);
        ChainedScheduler s = new ChainedScheduler(List.of(new StepLR(opt, 2, 0.5), new ExponentialLR(opt, 0.9)));
        assertSchedule(s, 0, 7, e -> Math.pow(0.5, e / 2) * Math.pow(0.9, e));
    }

    @Test
    void oneCycleTakesAMaximumPerGroup() {
        SGD opt = SGD.builder(List.of(Tensor.zeros(1).requiresGrad(true)))
                .group(List.of(Tensor.zeros(1).requiresGrad(true))).lr(0.1f).momentum(0.9f).build();
        OneCycleLR s = OneCycleLR.builder(opt, 1.0, 0.5).epochs(2, 5).threePhase(true).build();
        assertEquals(0.04f, opt.paramGroups().get(0).lr());
        assertEquals(0.02f, opt.paramGroups().get(1).lr());
        s.step();
        s.step();
        assertEquals(1f, opt.paramGroups().get(0).lr(), "the peak at step pctStart·totalSteps − 1 = 2");
        assertEquals(0.5f, opt.paramGroups().get(1).lr());
        assertEquals(0.85f, opt.paramGroups().get(1).get("momentum"), 1e-7f);
    }

    private static void assertRefused(String message, Executable action) {
        Exception e = assertThrows(RuntimeException.class, action);
        assertEquals(message, e.getMessage());
    }

    /** An optimizer with nothing but a learning rate. */
    private static final class Plain extends Optimizer {
        Plain() {
            super(Map.of("lr", new float[] {0.1f}));
            addParamGroup(List.of(Tensor.zeros(1).requiresGrad(true)));
        }

        @Override
        public void step() {
        }

        @Override
        protected void checkSettings(Map<String, float[]> settings) {
        }

        @Override
        protected Set<String> bufferNames() {
            return Set.of();
        }
    }

    @Test
    void impossibleSettingsAreRefused() {
        assertRefused("OneCycleLR: cycleMomentum needs an optimizer with momentum or betas, but group 0 of Plain "
                + "has [lr]", () -> OneCycleLR.builder(new Plain(), 0.1).totalSteps(10).build());
        OneCycleLR.builder(new Plain(), 0.1).totalSteps(10).cycleMomentum(false).build();
        assertRefused("OneCycleLR: totalSteps must be >= 1, got 0", () -> OneCycleLR.builder(sgd(0.1f), 0.1)
                .totalSteps(0).build());
        assertRefused("OneCycleLR: stepsPerEpoch must be >= 1, got -1", () -> OneCycleLR.builder(sgd(0.1f), 0.1)
                .epochs(3, -1).build());
        assertRefused("OneCycleLR: give either totalSteps or epochs and stepsPerEpoch",
                () -> OneCycleLR.builder(sgd(0.1f), 0.1).build());
        assertRefused("OneCycleLR: pctStart must be in [0, 1], got 1.5", () -> OneCycleLR.builder(sgd(0.1f), 0.1)
                .totalSteps(10).pctStart(1.5).build());
        assertRefused("OneCycleLR: expected 1 or 1 values for maxLr (one per parameter group), got 2: [0.1, 0.2]",
                () -> OneCycleLR.builder(sgd(0.1f), 0.1, 0.2).totalSteps(10).build());
        assertRefused("StepLR: stepSize must be >= 1, got 0", () -> new StepLR(sgd(0.1f), 0));
        assertRefused("CosineAnnealingLR: tMax must be >= 1, got 0", () -> new CosineAnnealingLR(sgd(0.1f), 0));
        assertRefused("ExponentialLR: gamma must be finite and >= 0, got NaN", () -> new ExponentialLR(sgd(0.1f),
                Double.NaN));
        assertRefused("LinearLR: startFactor must be in (0, 1], got 0.0", () -> new LinearLR(sgd(0.1f), 0, 1, 5));
        SGD opt = sgd(0.1f);
        assertRefused("SequentialLR: expects one milestone fewer than schedulers, got 2 schedulers and milestones []",
                () -> new SequentialLR(opt, List.of(new StepLR(opt, 2), new StepLR(opt, 3)), new int[0]));
        assertRefused("SequentialLR: scheduler 1 belongs to another optimizer than the one given",
                () -> new SequentialLR(opt, List.of(new StepLR(opt, 2), new StepLR(sgd(0.1f), 3)), new int[] {2}));
    }

    @Test
    void oneCycleRefusesToStepPastTotalSteps() {
        OneCycleLR s = OneCycleLR.builder(sgd(0.1f), 0.1).totalSteps(4).build();
        for (int i = 0; i < 4; i++) {
            s.step();
        }
        assertEquals(4, s.lastEpoch());
        assertRefused("OneCycleLR: tried to step 5 times; the specified number of total steps is 4", s::step);
        assertEquals(4, s.lastEpoch(), "a refused step changes nothing");
        assertTrue(s.lastLr()[0] > 0);
    }
}
