package dev.minibatch.nn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** The small CNN of the {@code cnn} fixture, built from this library's layers, and its state dicts. */
public final class SmallCnn {
    private SmallCnn() {
    }

    /** Conv(1→8) → ReLU → MaxPool(2) → Conv(8→16) → BatchNorm → ReLU → MaxPool(2) → Flatten → Linear(784→10). */
    public static Sequential build() {
        return new Sequential(new Conv2d(1, 8, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Conv2d(8, 16, 3, 1, 1),
                new BatchNorm2d(16), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(784, 10));
    }

    /**
     * A fixture's state dict, each value in the dtype the model keeps it (the JSON holds every number as a
     * float), scalars as scalars ({@link Fixtures#tensor} reads shape [] as [1]).
     */
    public static Map<String, Tensor> state(Module model, JsonNode node) {
        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> state = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            Tensor t = e.getValue().get("shape").isEmpty() ? Tensor.scalar(e.getValue().get("data").get(0).floatValue())
                    : Fixtures.tensor(e.getValue());
            Tensor like = own.get(e.getKey());
            state.put(e.getKey(), like != null && !like.isFloat() ? t.toInt() : t);
        });
        return state;
    }
}
