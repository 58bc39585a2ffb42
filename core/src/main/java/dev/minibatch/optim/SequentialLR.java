package dev.minibatch.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs schedulers one after the other, like {@code torch.optim.lr_scheduler.SequentialLR}: the first until
 * the first milestone epoch, where the second starts over from the base rates, and so on. Build the
 * schedulers on the same optimizer first: {@code new SequentialLR(opt, List.of(new LinearLR(opt),
 * new CosineAnnealingLR(opt, 95)), new int[] {5})} warms up for 5 epochs, then anneals.
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super(optimizer);
        this.schedulers = Schedules.sameOptimizer("SequentialLR", optimizer, schedulers);
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("SequentialLR: expects one milestone fewer than schedulers, got "
                    + schedulers.size() + " schedulers and milestones " + Arrays.toString(milestones));
        }
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("SequentialLR: milestones must be increasing and >= 1, got "
                        + Arrays.toString(milestones));
            }
        }
        this.milestones = milestones.clone();
        // Each scheduler's constructor stepped to epoch 0; as in PyTorch, only the first one's step counts.
        for (LRScheduler s : schedulers) {
            s.rewind();
        }
        schedulers.get(0).restart();
        begin(schedulers.get(0).lastLrsExact());
    }

    /** Steps the scheduler of the current phase; at a milestone, the next one starts from epoch 0. */
    @Override
    protected double[] advance() {
        int i = 0;
        while (i < milestones.length && milestones[i] <= lastEpoch()) {
            i++;
        }
        LRScheduler current = schedulers.get(i);
        if (i > 0 && milestones[i - 1] == lastEpoch()) {
            current.restart();
        } else {
            current.step();
        }
        return current.lastLrsExact();
    }

    @Override
    protected Map<String, double[]> settings() {
        return Map.of("milestones", Arrays.stream(milestones).asDoubleStream().toArray());
    }

    @Override
    List<LRScheduler> children() {
        return schedulers;
    }
}
