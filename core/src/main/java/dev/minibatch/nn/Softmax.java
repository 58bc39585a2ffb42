package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code exp(x) / sum(exp(x))} along {@code dim}, like {@code nn.Softmax(dim)}. */
public class Softmax extends Module {
    public final int dim;

    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
