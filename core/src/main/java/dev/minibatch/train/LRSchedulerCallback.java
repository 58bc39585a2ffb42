package dev.minibatch.train;

import dev.minibatch.optim.LRScheduler;

/**
 * Steps an {@link LRScheduler} where PyTorch's training loops do: after every optimizer step for a schedule
 * counted in batches ({@code OneCycleLR}, a cosine over the whole run), or once per epoch after its training
 * pass for one counted in epochs ({@code StepLR}, {@code MultiStepLR}). Either way it comes before the epoch's
 * checkpoint, which saves the scheduler's state with the rest, so a resumed run continues the schedule.
 * A skipped batch takes no optimizer step and so no scheduler step.
 */
public final class LRSchedulerCallback implements Callback {
    private final LRScheduler scheduler;
    private final boolean perBatch;

    private LRSchedulerCallback(LRScheduler scheduler, boolean perBatch) {
        if (scheduler == null) {
            throw new IllegalArgumentException("LRSchedulerCallback: scheduler is null");
        }
        this.scheduler = scheduler;
        this.perBatch = perBatch;
    }

    /** {@code scheduler.step()} after every optimizer step. */
    public static LRSchedulerCallback perBatch(LRScheduler scheduler) {
        return new LRSchedulerCallback(scheduler, true);
    }

    /** {@code scheduler.step()} after every epoch's training pass. */
    public static LRSchedulerCallback perEpoch(LRScheduler scheduler) {
        return new LRSchedulerCallback(scheduler, false);
    }

    public LRScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void afterStep(Learner learner) {
        if (perBatch) {
            scheduler.step();
        }
    }

    @Override
    public void afterTrain(Learner learner) {
        if (!perBatch) {
            scheduler.step();
        }
    }
}
