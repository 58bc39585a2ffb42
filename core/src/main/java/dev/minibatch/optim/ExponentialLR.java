package dev.minibatch.optim;

import java.util.Map;

/** Multiplies each group's learning rate by {@code gamma} every epoch, like PyTorch's {@code ExponentialLR}. */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        Schedules.checkFactor("ExponentialLR", "gamma", gamma);
        this.gamma = gamma;
        start();
    }

    @Override
    protected double[] advance() {
        return perGroup((g, lr) -> lastEpoch() == 0 ? lr : lr * gamma);
    }

    @Override
    protected Map<String, double[]> settings() {
        return Map.of("gamma", new double[] {gamma});
    }
}
