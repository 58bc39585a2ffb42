package dev.minibatch.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies each group's learning rate by {@code gamma} at each milestone epoch, like
 * {@code torch.optim.lr_scheduler.MultiStepLR}: lr = base·γ^(number of milestones ≤ epoch). A milestone given
 * twice applies twice, as in PyTorch.
 */
public final class MultiStepLR extends LRScheduler {
    private final int[] milestones;
    private final double gamma;

    /** With PyTorch's default gamma, 0.1. */
    public MultiStepLR(Optimizer optimizer, int[] milestones) {
        this(optimizer, milestones, 0.1);
    }

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        for (int m : milestones) {
            if (m < 0) {
                throw new IllegalArgumentException("MultiStepLR: milestones must be >= 0, got "
                        + Arrays.toString(milestones));
            }
        }
        Schedules.checkFactor("MultiStepLR", "gamma", gamma);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        start();
    }

    @Override
    protected double[] advance() {
        long hits = Arrays.stream(milestones).filter(m -> m == lastEpoch()).count();
        return perGroup((g, lr) -> hits == 0 ? lr : lr * Math.pow(gamma, hits));
    }

    @Override
    protected Map<String, double[]> settings() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("milestones", Arrays.stream(milestones).asDoubleStream().toArray());
        s.put("gamma", new double[] {gamma});
        return s;
    }
}
