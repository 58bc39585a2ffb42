package dev.minibatch.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies each group's learning rate by {@code gamma} every {@code stepSize} epochs, like
 * {@code torch.optim.lr_scheduler.StepLR}: lr = base·γ^⌊epoch / stepSize⌋.
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /** With PyTorch's default gamma, 0.1. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        Schedules.checkPositive("StepLR", "stepSize", stepSize);
        Schedules.checkFactor("StepLR", "gamma", gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        start();
    }

    /** PyTorch's recursive form: the rate is kept, except at each multiple of stepSize. */
    @Override
    protected double[] advance() {
        return perGroup((g, lr) -> lastEpoch() == 0 || lastEpoch() % stepSize != 0 ? lr : lr * gamma);
    }

    @Override
    protected Map<String, double[]> settings() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("step_size", new double[] {stepSize});
        s.put("gamma", new double[] {gamma});
        return s;
    }
}
