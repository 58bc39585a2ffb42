package dev.minibatch.nn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchNorm1d and BatchNorm2d: PyTorch's values, buffers under PyTorch's names, modes, printouts, refusals. */
class BatchNormLayersTest {
    @Test
    void batchNorm2dMatchesPyTorchInTrainingThenEvaluation() {
        JsonNode ref = Fixtures.torchCnn().get("batch_norm2d");
        BatchNorm2d bn = new BatchNorm2d(4);
        bn.weight.copyFrom(Fixtures.tensor(ref.get("weight")));
        bn.bias.copyFrom(Fixtures.tensor(ref.get("bias")));
        Tensor x = Fixtures.tensor(ref.get("x")).requiresGrad(true);
        Tensor out = bn.forward(x);
        Fixtures.assertClose(Fixtures.tensor(ref.get("train_out")), out, 1e-5, 1e-5, "train_out");
        out.mul(Fixtures.tensor(ref.get("r"))).sum().backward();
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_x")), x.grad(), 1e-5, 1e-5, "grad_x");
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_weight")), bn.weight.grad(), 1e-5, 1e-5, "grad_weight");
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_bias")), bn.bias.grad(), 1e-5, 1e-5, "grad_bias");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_mean")), bn.runningMean, 1e-5, 1e-5, "running_mean");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_var")), bn.runningVar, 1e-5, 1e-5, "running_var");
        assertEquals(ref.get("num_batches_tracked").asInt(), bn.numBatchesTracked.intStorage()[0]);
        bn.eval();
        Fixtures.assertClose(Fixtures.tensor(ref.get("eval_out")), bn.forward(x.detach()), 1e-5, 1e-5, "eval_out");
        assertEquals(1, bn.numBatchesTracked.intStorage()[0], "evaluation counts no step");
    }

    @Test
    void batchNorm1dMatchesPyTorch() {
        JsonNode ref = Fixtures.torchCnn().get("batch_norm1d");
        BatchNorm1d bn = new BatchNorm1d(5);
        Tensor x = Fixtures.tensor(ref.get("x")).requiresGrad(true);
        Tensor out = bn.forward(x);
        Fixtures.assertClose(Fixtures.tensor(ref.get("train_out")), out, 1e-5, 1e-5, "train_out");
        out.mul(Fixtures.tensor(ref.get("r"))).sum().backward();
        Fixtures.assertClose(Fixtures.tensor(ref.get("grad_x")), x.grad(), 1e-5, 1e-5, "grad_x");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_mean")), bn.runningMean, 1e-5, 1e-5, "running_mean");
        Fixtures.assertClose(Fixtures.tensor(ref.get("running_var")), bn.runningVar, 1e-5, 1e-5, "running_var");
    }

    @Test
    void buffersAreSavedUnderPyTorchsNamesAfterTheParameters() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight.toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0}, bn.bias.toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0}, bn.runningMean.toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar.toFloatArray());
        Tensor count = bn.stateDict().get("num_batches_tracked");
        assertFalse(count.isFloat());
        assertEquals(0, count.dim(), "a scalar, as PyTorch's");
    }

    @Test
    void withoutRunningStatisticsTheBatchIsUsedInEvaluationToo() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, false, false);
        assertNull(bn.weight);
        assertNull(bn.runningMean);
        assertTrue(bn.stateDict().isEmpty());
        Tensor x = Tensor.randn(3, 2, 2, 2);
        Tensor training = bn.forward(x);
        bn.eval();
        Fixtures.assertClose(training, bn.forward(x), 0, 0, "batch statistics in both modes");
    }

    /** PyTorch's momentum=None: the running statistics are the plain average of every batch's so far. */
    @Test
    void aNullMomentumKeepsTheCumulativeAverageOfTheBatchStatistics() {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-5, null, false, true);
        Generator g = new Generator(4);
        double[] meanSum = new double[3];
        double[] varSum = new double[3];
        int batches = 4;
        for (int b = 0; b < batches; b++) {
            Tensor x = Tensor.randn(g, 6, 3).mul(b + 1).add(b);
            bn.forward(x);
            float[] v = x.toFloatArray();
            for (int c = 0; c < 3; c++) {
                double m = 0;
                for (int i = 0; i < 6; i++) {
                    m += v[i * 3 + c] / 6.0;
                }
                double ss = 0;
                for (int i = 0; i < 6; i++) {
                    ss += (v[i * 3 + c] - m) * (v[i * 3 + c] - m);
                }
                meanSum[c] += m;
                varSum[c] += ss / 5;
            }
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(meanSum[c] / batches, bn.runningMean.toFloatArray()[c], 1e-5, "running_mean[" + c + "]");
            assertEquals(varSum[c] / batches, bn.runningVar.toFloatArray()[c], 1e-4, "running_var[" + c + "]");
        }
        assertEquals(batches, bn.numBatchesTracked.intStorage()[0]);
        assertEquals("BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=True)", bn.toString());
    }

    @Test
    void printsAsPyTorch() {
        assertEquals("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
                new BatchNorm2d(16).toString());
        assertEquals("BatchNorm1d(5, eps=0.001, momentum=0.01, affine=False, track_running_stats=True)",
                new BatchNorm1d(5, 1e-3, 0.01, false, true).toString());
    }

    @Test
    void wrongRanksAndChannelsAreRefusedWithTheShapes() {
        var rank = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(16).forward(Tensor.zeros(8, 16)));
        assertEquals("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True): expected 4D "
                + "input [N, 16, ...], got input of shape [8, 16]", rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(4).forward(Tensor.zeros(2, 4, 3, 3)));
        var channels = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm1d(4).forward(Tensor.zeros(8, 5)));
        assertTrue(channels.getMessage().contains("does not fit input of shape [8, 5] (expected [5])"),
                channels.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4, 1e-5, 1.5, true, true));
        BatchNorm1d bn = new BatchNorm1d(4);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 4)));
        assertEquals(0, bn.numBatchesTracked.intStorage()[0], "a refused batch counts no step");
        assertArrayEquals(new float[] {0, 0, 0, 0}, bn.runningMean.toFloatArray(), "nor moves the statistics");
    }
}
