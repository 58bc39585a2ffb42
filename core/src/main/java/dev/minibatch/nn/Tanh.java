package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code tanh(x)} element-wise, like {@code nn.Tanh}. */
public class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
