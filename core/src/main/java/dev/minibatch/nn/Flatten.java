package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** Merges dimensions {@code startDim..endDim} into one, like {@code nn.Flatten}: by default all but the batch. */
public class Flatten extends Module {
    public final int startDim;
    public final int endDim;

    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
