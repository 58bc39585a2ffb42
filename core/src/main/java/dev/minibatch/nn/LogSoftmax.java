package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code x - logsumexp(x)} along {@code dim}, like {@code nn.LogSoftmax(dim)}. */
public class LogSoftmax extends Module {
    public final int dim;

    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
