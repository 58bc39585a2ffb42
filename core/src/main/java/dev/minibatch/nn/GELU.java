package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code x·Φ(x)} element-wise, like {@code nn.GELU}; see {@link Tensor#gelu(String)}. */
public class GELU extends Module {
    /** PyTorch's {@code approximate}: {@code "none"} (the default, exact) or {@code "tanh"}. */
    public final String approximate;

    public GELU() {
        this("none");
    }

    /** Any other {@code approximate} is refused by {@code forward}, as PyTorch's is. */
    public GELU(String approximate) {
        this.approximate = approximate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.gelu(approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
