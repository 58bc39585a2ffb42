package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code x·sigmoid(x)} element-wise, like {@code nn.SiLU}. */
public class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }
}
