package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, like PyTorch's {@code _BatchNorm}: normalisation of
 * each channel (dimension 1) by the batch's mean and biased variance in training mode, by the running
 * statistics in evaluation mode, then {@code weight·x̂ + bias}. Training also moves the running statistics
 * toward the batch's with {@code momentum} (the variance unbiased, as PyTorch keeps it) and counts the step;
 * a null momentum (PyTorch's {@code momentum=None}) keeps their cumulative average instead, the factor for the
 * n-th step being 1/n.
 *
 * <p>The running statistics are buffers named as PyTorch names them ({@code running_mean}, {@code running_var},
 * {@code num_batches_tracked}, an int32 scalar), so the state dict reads and writes PyTorch's keys.
 */
public abstract class BatchNorm extends Module {
    public final int numFeatures;
    public final double eps;
    /** Null for the cumulative average (PyTorch's {@code momentum=None}). */
    public final Double momentum;
    public final boolean affine;
    public final boolean trackRunningStats;
    /** Ones, and null unless {@link #affine}. */
    public final Tensor weight;
    /** Zeros, and null unless {@link #affine}. */
    public final Tensor bias;
    /** Zeros to start with, and null unless {@link #trackRunningStats}; updated in place. */
    public final Tensor runningMean;
    /** Ones to start with, and null unless {@link #trackRunningStats}; updated in place. */
    public final Tensor runningVar;
    /** The number of training steps taken, an int32 scalar; null unless {@link #trackRunningStats}. */
    public final Tensor numBatchesTracked;

    protected BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        String name = getClass().getSimpleName();
        LayerSettings.atLeast(name, "num_features", String.valueOf(numFeatures), numFeatures, 1);
        if (!(eps > 0)) {
            throw new IllegalArgumentException(name + ": eps must be positive, got " + Repr.pyFloat(eps));
        }
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": momentum must be between 0 and 1, got "
                    + Repr.pyFloat(momentum));
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        this.weight = affine ? Parameter.of(Tensor.ones(numFeatures)) : null;
        this.bias = affine ? Parameter.of(Tensor.zeros(numFeatures)) : null;
        this.runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        this.runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        this.numBatchesTracked = trackRunningStats
                ? registerBuffer("num_batches_tracked", Tensor.wrapInts(new int[] {0})) : null;
    }

    /** Whether the input has the rank this layer takes, for the message when it does not. */
    protected abstract boolean acceptsRank(int rank);

    /** The ranks this layer takes, as PyTorch words them: {@code "4D"}, {@code "2D or 3D"}. */
    protected abstract String expectedRank();

    /** Without running statistics the batch's are used in evaluation mode too, as in PyTorch. */
    @Override
    public Tensor forward(Tensor x) {
        if (!acceptsRank(x.dim())) {
            throw new IllegalArgumentException(this + ": expected " + expectedRank() + " input [N, " + numFeatures
                    + ", ...], got input of shape " + Arrays.toString(x.shape()));
        }
        boolean training = isTraining() || !trackRunningStats;
        try {
            Tensor out = Tensor.batchNorm(x, runningMean, runningVar, weight, bias, training, factor(), eps);
            if (isTraining() && trackRunningStats) {
                numBatchesTracked.intStorage()[0]++;
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    /** How far this step moves the running statistics: the momentum, or 1/n at the n-th step for the average. */
    private double factor() {
        if (momentum != null) {
            return momentum;
        }
        return trackRunningStats && isTraining() ? 1.0 / (numBatchesTracked.intStorage()[0] + 1) : 0;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.pyFloat(eps) + ", momentum="
                + (momentum == null ? "None" : Repr.pyFloat(momentum))
                + ", affine=" + Repr.bool(affine)
                + ", track_running_stats=" + Repr.bool(trackRunningStats);
    }
}
