package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code 1 / (1 + exp(-x))} element-wise, like {@code nn.Sigmoid}. */
public class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
