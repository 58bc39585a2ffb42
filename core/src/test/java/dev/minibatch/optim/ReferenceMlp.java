package dev.minibatch.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The fixture's model, {@code Sequential(Linear(784, 32), ReLU(), Linear(32, 10))}, at PyTorch's {@code init}. */
final class ReferenceMlp {
    /** The fixture's {@code mlp} entry; a method, so that without ../shared the test is skipped, not broken. */
    static JsonNode mlp() {
        return Fixtures.torch().get("mlp");
    }

    final Sequential model = new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10));
    final Optimizer optimizer;
    private final Tensor x = Fixtures.tensor(mlp().get("x"));
    private final Tensor target = Fixtures.ints(mlp().get("target"));

    ReferenceMlp(Function<Sequential, Optimizer> optimizer) {
        model.loadStateDict(tensors(mlp().get("init")));
        this.optimizer = optimizer.apply(model);
    }

    static Map<String, Tensor> tensors(JsonNode node) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), Fixtures.tensor(e.getValue())));
        return out;
    }

    /** The fixture's step: zero_grad, forward, cross_entropy, backward, step. Returns the loss. */
    float step() {
        optimizer.zeroGrad();
        Tensor loss = Functional.crossEntropy(model.forward(x), target);
        loss.backward();
        optimizer.step();
        return loss.item();
    }
}
