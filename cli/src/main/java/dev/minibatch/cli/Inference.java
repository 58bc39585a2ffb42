package dev.minibatch.cli;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Module;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** A trained model's outputs over a whole dataset, in eval mode and without recording a graph. */
final class Inference {
    private static final int BATCH = 1000;

    private Inference() {
    }

    /** The logits for every row of {@code x}, computed in batches. */
    static Tensor logits(Module model, Tensor x) {
        model.eval();
        List<Tensor> parts = new ArrayList<>();
        try (var g = Autograd.noGrad()) {
            for (int i = 0; i < x.size(0); i += BATCH) {
                parts.add(model.forward(x.slice(0, i, Math.min(x.size(0), i + BATCH))));
            }
        }
        return Tensor.cat(parts, 0);
    }

    static Tensor logits(Module model, TensorDataset ds) {
        return logits(model, ds.tensor(0));
    }

    /** Mean cross entropy over all rows. */
    static float loss(Tensor logits, Tensor target) {
        try (var g = Autograd.noGrad()) {
            return Functional.crossEntropy(logits, target).item();
        }
    }
}
