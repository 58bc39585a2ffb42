package dev.minibatch.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.nn.SmallCnn;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three training steps of PyTorch's small CNN (convolutions, batch norm, pooling) with each optimizer: the
 * same losses, the same state dict afterwards (running statistics included) and the same logits in eval mode.
 */
class SmallCnnTrainingParityTest {
    private static final double RTOL = 1e-4;
    private final JsonNode ref = Fixtures.torchCnn().get("cnn");

    @Test
    void sgdWithMomentumTakesPyTorchsThreeSteps() {
        checkThreeSteps("sgd_momentum", model -> SGD.builder(model.parameters()).lr(0.05f).momentum(0.9f).build(),
                Set.of(), 0);
    }

    /**
     * The bias of the convolution in front of the batch norm has a gradient that is zero but for rounding
     * (the batch norm subtracts any per-channel constant): about 1e-7 here. Adam divides a gradient by its
     * own size, so that noise moves the bias by up to lr per step, in a direction rounding decides (here and in
     * PyTorch alike); the running mean averages the bias in. So those two are checked to within 2·3·lr (three
     * steps each way), and the eval logits, which depend on them, after PyTorch's values of the two are loaded.
     */
    @Test
    void adamTakesPyTorchsThreeSteps() {
        checkThreeSteps("adam", model -> Adam.builder(model.parameters()).lr(1e-3f).build(),
                Set.of("3.bias", "4.running_mean"), 6e-3);
    }

    private void checkThreeSteps(String key, Function<Sequential, Optimizer> optimizer, Set<String> roundingDriven,
                                 double roundingTolerance) {
        JsonNode expected = ref.get("after_3_steps").get(key);
        Sequential model = SmallCnn.build();
        model.loadStateDict(SmallCnn.state(model, ref.get("init")));
        Optimizer opt = optimizer.apply(model);
        Tensor x = Fixtures.tensor(ref.get("x"));
        Tensor target = Fixtures.ints(ref.get("target"));
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            Tensor loss = Functional.crossEntropy(model.forward(x), target);
            double want = expected.get("losses").get(step).asDouble();
            assertEquals(want, loss.item(), RTOL * Math.abs(want), key + ": loss of step " + (step + 1));
            loss.backward();
            opt.step();
        }
        Map<String, Tensor> state = model.stateDict();
        SmallCnn.state(model, expected.get("state_dict")).forEach((name, want) -> {
            Tensor got = state.get(name);
            if (roundingDriven.contains(name)) {
                Fixtures.assertClose(want, got, 0, roundingTolerance, key + ": " + name);
                got.copyFrom(want);
            } else {
                Fixtures.assertClose(want.toFloat(), got.toFloat(), RTOL, 1e-6, key + ": " + name);
            }
        });
        model.eval();
        Fixtures.assertClose(Fixtures.tensor(expected.get("eval_logits")), model.forward(x), RTOL, 1e-6,
                key + ": eval logits");
    }
}
