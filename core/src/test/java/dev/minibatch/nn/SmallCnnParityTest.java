package dev.minibatch.nn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PyTorch's small CNN, rebuilt from this library's layers: same printout, and from the same state the same step. */
class SmallCnnParityTest {
    private final JsonNode ref = Fixtures.torchCnn().get("cnn");

    @Test
    void printsAsPyTorchPrintsIt() {
        assertEquals(ref.get("model").asText(), SmallCnn.build().toString());
    }

    @Test
    void stateDictHasPyTorchsKeysInPyTorchsOrder() {
        List<String> expected = List.copyOf(SmallCnn.state(SmallCnn.build(), ref.get("init")).keySet());
        assertEquals(expected, List.copyOf(SmallCnn.build().stateDict().keySet()));
    }

    @Test
    void logitsLossAndGradientsMatchPyTorchInTrainingMode() {
        Sequential model = SmallCnn.build();
        model.loadStateDict(SmallCnn.state(model, ref.get("init")));
        Tensor logits = model.forward(Fixtures.tensor(ref.get("x")));
        Fixtures.assertClose(Fixtures.tensor(ref.get("logits")), logits, 1e-5, 1e-5, "logits");
        Tensor loss = Functional.crossEntropy(logits, Fixtures.ints(ref.get("target")));
        assertEquals(ref.get("loss").asDouble(), loss.item(), 1e-5 * ref.get("loss").asDouble(), "loss");
        loss.backward();
        model.namedParameters().forEach((name, p) ->
                Fixtures.assertClose(Fixtures.tensor(ref.get("grads").get(name)), p.grad(), 1e-4, 1e-6, name));
    }
}
