package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LRSchedulerStateTest {
    private static final int STEPS = 20;
    private static final int SAVED_AT = 7;

    /** Each kind on a fresh optimizer; {@code restored} builds the optimizer with other settings. */
    private static LRScheduler scheduler(String kind, boolean restored) {
        Tensor p = Tensor.of(new float[] {1, -1}).requiresGrad(true);
        float lr = restored ? 0.7f : 0.1f;
        SGD sgd = SGD.builder(List.of(p)).lr(lr).momentum(0.9f).build();
        return switch (kind) {
            case "step" -> new StepLR(sgd, 3, 0.7);
            case "cosine" -> new CosineAnnealingLR(sgd, 6, 1e-3);
            case "exponential" -> new ExponentialLR(sgd, 0.93);
            case "one_cycle" -> OneCycleLR.builder(Adam.builder(List.of(p)).lr(lr).build(), 0.01).totalSteps(STEPS)
                    .build();
            case "sequential" -> new SequentialLR(sgd, List.of(new LinearLR(sgd, 0.1, 1, 4),
                    new CosineAnnealingLR(sgd, 5)), new int[] {5});
            case "chained" -> new ChainedScheduler(List.of(new MultiStepLR(sgd, new int[] {2, 9}),
                    new LinearLR(sgd)));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Steps the optimizer (with a fixed gradient) and the scheduler; returns each step's lr and momentum bits. */
    private static long[] run(LRScheduler s, int steps) {
        long[] out = new long[steps];
        Optimizer opt = s.optimizer();
        for (int i = 0; i < steps; i++) {
            ParamGroup g = opt.paramGroups().get(0);
            out[i] = ((long) Float.floatToIntBits(g.lr()) << 32)
                    | Float.floatToIntBits(LRSchedulerReferenceTest.momentum(g));
            g.params().get(0).setGrad(Tensor.of(new float[] {0.5f, -0.25f}));
            opt.step();
            s.step();
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"step", "cosine", "exponential", "one_cycle", "sequential", "chained"})
    void resumedScheduleContinuesBitForBit(String kind) {
        long[] uninterrupted = run(scheduler(kind, false), STEPS);

        LRScheduler first = scheduler(kind, false);
        long[] before = run(first, SAVED_AT);
        Map<String, Tensor> optim = OptimizerStateTest.copy(first.optimizer().stateDict());
        Map<String, Tensor> sched = OptimizerStateTest.copy(first.stateDict());
        LRScheduler resumed = scheduler(kind, true);
        resumed.optimizer().loadStateDict(optim);
        resumed.loadStateDict(sched);
        long[] after = run(resumed, STEPS - SAVED_AT);

        long[] joined = new long[STEPS];
        System.arraycopy(before, 0, joined, 0, SAVED_AT);
        System.arraycopy(after, 0, joined, SAVED_AT, STEPS - SAVED_AT);
        assertArrayEquals(uninterrupted, joined);
    }

    @Test
    void stateDictHoldsTheStepCountAndExactRates() {
        LRScheduler s = scheduler("sequential", false);
        s.step();
        Map<String, Tensor> state = s.stateDict();
        assertEquals(List.of("last_epoch", "base_lrs", "last_lr", "milestones", "_schedulers.0.last_epoch"),
                List.copyOf(state.keySet()).subList(0, 5));
        assertEquals(1, state.get("last_epoch").toIntArray()[0]);
        assertArrayEquals(new int[] {1, 2}, state.get("base_lrs").shape());
        assertEquals((double) 0.1f, Float64.decode(state.get("base_lrs"))[0]);
    }

    @Test
    void otherSettingsOrAnIncompleteStateAreRefusedAndNothingChanges() {
        Map<String, Tensor> state = OptimizerStateTest.copy(scheduler("step", false).stateDict());
        state.remove("last_lr");
        state.put("extra", Tensor.scalar(1));
        StepLR other = new StepLR(SGD.builder(List.of(Tensor.zeros(1).requiresGrad(true))).lr(0.1f).build(), 4, 0.7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for StepLR:\n\tmissing last_lr\n\tunexpected key extra",
                e.getMessage());

        Map<String, Tensor> complete = OptimizerStateTest.copy(scheduler("step", false).stateDict());
        e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(complete));
        assertEquals("Error(s) in loading state_dict for StepLR:\n\tstep_size: the checkpoint has [3.0], this "
                + "scheduler has [4.0]", e.getMessage());
        assertEquals(0, other.lastEpoch());
    }
}
