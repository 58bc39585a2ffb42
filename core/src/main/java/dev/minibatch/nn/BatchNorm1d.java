package dev.minibatch.nn;

/** Batch normalisation of [N, C] (or [N, C, L]) over N (and L), per feature, like {@code nn.BatchNorm1d}. */
public class BatchNorm1d extends BatchNorm {
    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** A null momentum keeps the running statistics' cumulative average (PyTorch's {@code momentum=None}). */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    protected String expectedRank() {
        return "2D or 3D";
    }
}
