package dev.minibatch.nn;

/** Batch normalisation of an image batch [N, C, H, W] over N, H and W, per channel, like {@code nn.BatchNorm2d}. */
public class BatchNorm2d extends BatchNorm {
    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** A null momentum keeps the running statistics' cumulative average (PyTorch's {@code momentum=None}). */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    protected String expectedRank() {
        return "4D";
    }
}
