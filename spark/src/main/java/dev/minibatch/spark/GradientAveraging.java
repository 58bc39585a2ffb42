package dev.minibatch.spark;

import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Callback;
import dev.minibatch.train.Learner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replaces every parameter's gradient with its mean over all ranks, after each backward pass and before
 * anything else sees the gradients (a clipper, the optimizer), as PyTorch's DistributedDataParallel does.
 * With equal batch sizes on every rank, that mean is the gradient of the loss over the global batch.
 */
public final class GradientAveraging implements Callback {
    private final AllReduce allReduce;
    private float[] flat = new float[0];

    public GradientAveraging(AllReduce allReduce) {
        this.allReduce = allReduce;
    }

    /** Before the other callbacks' afterBackward, so that a gradient clipper sees the averaged gradients. */
    @Override
    public int order() {
        return -50;
    }

    @Override
    public void afterBackward(Learner learner) {
        average(learner.model().parameters());
    }

    /** Replaces each parameter's gradient by its mean over the ranks, which pass the same parameters in order. */
    public void average(List<Tensor> params) {
        List<float[]> grads = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            if (g == null) {
                throw new IllegalStateException("parameter " + i + " (shape " + Arrays.toString(params.get(i).shape())
                        + ") has no gradient after backward: every rank must average the same parameters");
            }
            grads.add(g.storage());
        }
        int length = Flat.length(grads);
        flat = flat.length == length ? flat : new float[length];
        Flat.gather(grads, flat);
        allReduce.average(flat);
        Flat.scatter(flat, grads);
    }
}
