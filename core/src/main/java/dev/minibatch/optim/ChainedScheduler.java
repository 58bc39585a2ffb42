package dev.minibatch.optim;

import java.util.List;
import java.util.Map;

/**
 * Steps several schedulers together, each on the rate the one before it set, like
 * {@code torch.optim.lr_scheduler.ChainedScheduler}: {@code new ChainedScheduler(List.of(new StepLR(opt, 30),
 * new ExponentialLR(opt, 0.99)))} multiplies both decays. Meant for the multiplicative schedulers (StepLR,
 * MultiStepLR, ExponentialLR, LinearLR, CosineAnnealingLR); OneCycleLR sets its rate outright.
 */
public final class ChainedScheduler extends LRScheduler {
    private final List<LRScheduler> schedulers;

    public ChainedScheduler(List<LRScheduler> schedulers) {
        super(Schedules.sameOptimizer("ChainedScheduler", null, schedulers).get(0).optimizer());
        this.schedulers = List.copyOf(schedulers);
        begin(this.schedulers.get(this.schedulers.size() - 1).lastLrsExact());
    }

    @Override
    protected double[] advance() {
        for (LRScheduler s : schedulers) {
            s.step();
        }
        return schedulers.get(schedulers.size() - 1).lastLrsExact();
    }

    @Override
    protected Map<String, double[]> settings() {
        return Map.of();
    }

    @Override
    List<LRScheduler> children() {
        return schedulers;
    }
}
