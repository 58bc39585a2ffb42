package dev.minibatch.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.nn.Sequential;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three steps from PyTorch's initial parameters give PyTorch's losses and parameters, for each setting. */
class OptimizerReferenceTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-6;

    /** The settings the fixture was made with; every other setting is PyTorch's default. */
    private static Function<Sequential, Optimizer> optimizer(String setting) {
        return switch (setting) {
            case "sgd" -> m -> SGD.builder(m.parameters()).lr(0.5f).build();
            case "sgd_momentum" -> m -> SGD.builder(m.parameters()).lr(0.1f).momentum(0.9f).weightDecay(1e-4f).build();
            case "sgd_nesterov" -> m -> SGD.builder(m.parameters()).lr(0.1f).momentum(0.9f).nesterov(true).build();
            case "adam" -> m -> Adam.builder(m.parameters()).lr(1e-3f).build();
            case "adamw" -> m -> AdamW.builder(m.parameters()).lr(1e-3f).weightDecay(1e-2f).build();
            default -> throw new IllegalArgumentException(setting);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "sgd_momentum", "sgd_nesterov", "adam", "adamw"})
    void threeStepsMatchPyTorch(String setting, TestReporter reporter) {
        JsonNode expected = ReferenceMlp.mlp().get("after_3_steps").get(setting);
        ReferenceMlp run = new ReferenceMlp(optimizer(setting));
        double worstLoss = 0;
        for (int s = 0; s < 3; s++) {
            double e = expected.get("losses").get(s).asDouble();
            worstLoss = Math.max(worstLoss, check(e, run.step(), setting + " loss " + s));
        }
        double worstParam = 0;
        Map<String, Tensor> params = ReferenceMlp.tensors(expected.get("params"));
        for (Map.Entry<String, Tensor> e : run.model.stateDict().entrySet()) {
            float[] want = params.get(e.getKey()).toFloatArray();
            float[] got = e.getValue().toFloatArray();
            for (int i = 0; i < want.length; i++) {
                worstParam = Math.max(worstParam, check(want[i], got[i], setting + " " + e.getKey() + "[" + i + "]"));
            }
        }
        reporter.publishEntry(setting, String.format("worst error, as a fraction of the tolerance: losses %.3f, "
                + "parameters %.3f", worstLoss, worstParam));
    }

    /** Asserts {@code |actual - expected| <= atol + rtol·|expected|}; returns the error over that tolerance. */
    private static double check(double expected, double actual, String what) {
        double tolerance = ATOL + RTOL * Math.abs(expected);
        double err = Math.abs(actual - expected);
        assertTrue(err <= tolerance, what + ": " + actual + ", expected " + expected);
        return err / tolerance;
    }
}
