package dev.minibatch.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learning rate and momentum each optimizer step used are PyTorch's, for each scheduler of the fixture. */
class LRSchedulerReferenceTest {
    private static final double RTOL = 1e-6;

    /** The optimizer and scheduler of the fixture's {@code args}. */
    private static LRScheduler scheduler(String name, Tensor param) {
        Function<Float, Optimizer> sgd = lr -> SGD.builder(List.of(param)).lr(lr).momentum(0.9f).build();
        return switch (name) {
            case "step_lr" -> new StepLR(sgd.apply(0.1f), 3, 0.5);
            case "cosine" -> new CosineAnnealingLR(sgd.apply(0.1f), 10, 0.001);
            case "exponential" -> new ExponentialLR(sgd.apply(0.1f), 0.9);
            case "one_cycle_sgd" -> OneCycleLR.builder(sgd.apply(0.1f), 0.1).totalSteps(50).build();
            case "one_cycle_adam" -> OneCycleLR.builder(Adam.builder(List.of(param)).lr(1e-3f).build(), 0.01)
                    .totalSteps(40).pctStart(0.25).annealStrategy(OneCycleLR.AnnealStrategy.LINEAR).divFactor(10)
                    .finalDivFactor(100).build();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static float momentum(ParamGroup group) {
        return group.has("betas") ? group.values("betas")[0] : group.get("momentum");
    }

    @ParameterizedTest
    @ValueSource(strings = {"step_lr", "cosine", "exponential", "one_cycle_sgd", "one_cycle_adam"})
    void everyStepUsesPyTorchsRateAndMomentum(String name, TestReporter reporter) {
        JsonNode expected = Fixtures.torchCnn().get("schedulers").get(name);
        Tensor param = Tensor.of(new float[] {1, -1}).requiresGrad(true);
        LRScheduler scheduler = scheduler(name, param);
        Optimizer optimizer = scheduler.optimizer();
        ParamGroup group = optimizer.paramGroups().get(0);
        int steps = expected.get("lr").size();
        double worst = 0;
        for (int s = 0; s < steps; s++) {
            worst = Math.max(worst, check(expected.get("lr").get(s).asDouble(), group.lr(), name + " lr " + s));
            worst = Math.max(worst, check(expected.get("momentum").get(s).asDouble(), momentum(group),
                    name + " momentum " + s));
            param.setGrad(Tensor.of(new float[] {0.5f, -0.25f}));
            optimizer.step();
            scheduler.step();
        }
        reporter.publishEntry(name, String.format("worst relative error %.2e over %d steps", worst, steps));
    }

    private static double check(double expected, float actual, String what) {
        double err = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(err <= RTOL, what + ": " + actual + ", expected " + expected);
        return err;
    }
}
