package dev.minibatch.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.GradCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batch-norm op: PyTorch's values, running statistics, finite differences in both modes, refusals. */
class BatchNormTest {
    private final Generator gen = new Generator(5);

    @Test
    void trainingStepMatchesPyTorchOn4dInput() {
        JsonNode ref = Fixtures.torchCnn().get("batch_norm2d");
        Tensor x = Fixtures.tensor(ref.get("x")).requiresGrad(true);
        Tensor w = Fixtures.tensor(ref.get("weight")).requiresGrad(true);
        Tensor b = Fixtures.tensor(ref.get("bias")).requiresGrad(true);
        Tensor runningMean = Tensor.zeros(4);
        Tensor runningVar = Tensor.ones(4);
        double momentum = ref.get("momentum").asDouble();
        double eps = ref.get("eps").asDouble();
        Tensor out = Tensor.batchNorm(x, runningMean, runningVar, w, b, true, momentum, eps);
        Fixtures.assertClose(Fixtures.tensor(ref.get("train_out")), out, 1e-5, 1e-5, "train_out");
        out.mul(Fixtures.tensor(ref.get("r"))).sum().backward();
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_x")), x.grad(), 1e-5, 1e-5, "grad_x");
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_weight")), w.grad(), 1e-5, 1e-5, "grad_weight");
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_bias")), b.grad(), 1e-5, 1e-5, "grad_bias");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_mean")), runningMean, 1e-5, 1e-5, "running_mean");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_var")), runningVar, 1e-5, 1e-5, "running_var");
        Tensor eval = Tensor.batchNorm(x.detach(), runningMean, runningVar, w, b, false, momentum, eps);
        Fixtures.assertClose(Fixtures.tensor(ref.get("eval_out")), eval, 1e-5, 1e-5, "eval_out");
    }

    @Test
    void trainingStepMatchesPyTorchOn2dInput() {
        JsonNode ref = Fixtures.torchCnn().get("batch_norm1d");
        Tensor x = Fixtures.tensor(ref.get("x")).requiresGrad(true);
        Tensor runningMean = Tensor.zeros(5);
        Tensor runningVar = Tensor.ones(5);
        Tensor out = Tensor.batchNorm(x, runningMean, runningVar, Tensor.ones(5), Tensor.zeros(5), true, 0.1, 1e-5);
        Fixtures.assertClose(Fixtures.tensor(ref.get("train_out")), out, 1e-5, 1e-5, "train_out");
        out.mul(Fixtures.tensor(ref.get("r"))).sum().backward();
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_x")), x.grad(), 1e-5, 1e-5, "grad_x");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_mean")), runningMean, 1e-5, 1e-5, "running_mean");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_var")), runningVar, 1e-5, 1e-5, "running_var");
    }

    @Test
    void gradientsMatchFiniteDifferencesInBothModes() {
        Tensor stats = Tensor.rand(gen, 3).add(0.5f);
        for (boolean training : new boolean[] {true, false}) {
            String mode = training ? "training" : "eval";
            GradCheck.check("batchNorm 4d " + mode,
                    t -> Tensor.batchNorm(t[0], Tensor.zeros(3).add(0.1f), stats, t[1], t[2], training, 0.1, 1e-5),
                    Tensor.randn(gen, 4, 3, 2, 3), Tensor.randn(gen, 3), Tensor.randn(gen, 3));
            GradCheck.check("batchNorm 2d " + mode,
                    t -> Tensor.batchNorm(t[0], Tensor.zeros(3), stats, t[1], t[2], training, 0.1, 1e-5),
                    Tensor.randn(gen, 6, 3), Tensor.randn(gen, 3), Tensor.randn(gen, 3));
        }
        GradCheck.check("batchNorm without affine or running statistics",
                t -> Tensor.batchNorm(t[0], null, null, null, null, true, 0.1, 1e-5), Tensor.randn(gen, 5, 2, 3));
    }

    @Test
    void trainingNormalisesEachChannelToZeroMeanAndUnitVariance() {
        Tensor x = Tensor.randn(gen, 8, 2, 3, 3).mul(3f).add(5f);
        float[] y = Tensor.batchNorm(x, null, null, null, null, true, 0.1, 0).toFloatArray();
        for (int ch = 0; ch < 2; ch++) {
            double sum = 0;
            double sq = 0;
            for (int s = 0; s < 8; s++) {
                for (int i = 0; i < 9; i++) {
                    float v = y[(s * 2 + ch) * 9 + i];
                    sum += v;
                    sq += v * v;
                }
            }
            assertEquals(0, sum / 72, 1e-5, "mean of channel " + ch);
            assertEquals(1, sq / 72, 1e-4, "biased variance of channel " + ch);
        }
    }

    @Test
    void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor runningMean = Tensor.of(new float[] {1, -1}, 2);
        Tensor runningVar = Tensor.of(new float[] {4, 0.25f}, 2);
        Tensor y = Tensor.batchNorm(x, runningMean, runningVar, null, null, false, 0.1, 0);
        assertArrayEquals(new float[] {0, 6, 1, 10}, y.toFloatArray());
        assertArrayEquals(new float[] {1, -1}, runningMean.toFloatArray());
        assertArrayEquals(new float[] {4, 0.25f}, runningVar.toFloatArray());
    }

    @Test
    void badInputIsRefusedWithTheShapes() {
        var one = assertThrows(IllegalArgumentException.class,
                () -> Tensor.batchNorm(Tensor.zeros(1, 4), null, null, null, null, true, 0.1, 1e-5));
        assertEquals("batchNorm: expected more than 1 value per channel when training, got input of shape [1, 4]",
                one.getMessage());
        var channels = assertThrows(IllegalArgumentException.class,
                () -> Tensor.batchNorm(Tensor.zeros(2, 4), null, null, Tensor.ones(3), null, true, 0.1, 1e-5));
        assertTrue(channels.getMessage().contains("weight of shape [3] does not fit input of shape [2, 4]"));
    }
}
