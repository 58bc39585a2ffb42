package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code max(0, x)} element-wise, like {@code nn.ReLU}. */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
