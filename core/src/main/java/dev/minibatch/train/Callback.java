package dev.minibatch.train;

/**
 * A hook into every phase of {@link Learner#fit}, as fastai's callbacks are: each method receives the
 * learner, whose state (model, optimizer, batch, prediction, loss, epoch, iteration, history, metrics) it
 * may read and, where the learner offers a setter, change. Every method does nothing by default.
 *
 * <p>The order of events in one {@code fit}:
 * <pre>
 * beforeFit
 *   beforeEpoch
 *     beforeTrain
 *       beforeBatch  afterPred  afterLoss  afterBackward  afterStep  afterBatch     (each training batch)
 *     afterTrain
 *     beforeValidate
 *       beforeBatch  afterPred  afterLoss  afterBatch                               (each validation batch)
 *     afterValidate                                   (the epoch's numbers: {@link Learner#epochResult()})
 *   afterEpoch                                        (the epoch is in {@link Learner#history()})
 * afterFit
 * </pre>
 * Batch events fire in both passes; {@link Learner#training()} tells which. What a callback may do:
 * replace the batch in {@code beforeBatch} ({@link Learner#setBatch}), the loss in {@code afterLoss}
 * ({@link Learner#setLoss}); change the learning rate before the step (a schedule) or the gradients after
 * {@code afterBackward} (a clipper); skip the rest of a batch by throwing {@link CancelBatchException}
 * ({@link Learner#skipBatch()}); stop training at once by throwing {@link StopTrainingException}, or at the
 * end of the current epoch with {@link Learner#stop(String)}.
 *
 * <p>Callbacks run in ascending {@link #order()}, and in the order they were added where orders are equal.
 */
public interface Callback {
    /** Callbacks with a lower order run first at every event. The numerics check runs at -100. */
    default int order() {
        return 0;
    }

    /** Before the first epoch of this {@code fit}; {@link Learner#history()} holds the epochs before it. */
    default void beforeFit(Learner learner) {
    }

    default void beforeEpoch(Learner learner) {
    }

    /** Before the first training batch of the epoch; the model is in training mode. */
    default void beforeTrain(Learner learner) {
    }

    /** Before the forward pass: {@link Learner#batch()} is the batch about to be used. */
    default void beforeBatch(Learner learner) {
    }

    /** After the forward pass: {@link Learner#pred()} is the model's output. */
    default void afterPred(Learner learner) {
    }

    /** After the loss: {@link Learner#loss()} is the loss of the batch, before backward. */
    default void afterLoss(Learner learner) {
    }

    /** After backward, before the optimizer step: every parameter's gradient is in place. Training only. */
    default void afterBackward(Learner learner) {
    }

    /** After the optimizer step, before the gradients are dropped. Training only. */
    default void afterStep(Learner learner) {
    }

    /** At the end of every batch, cancelled or not ({@link Learner#batchCancelled()}). */
    default void afterBatch(Learner learner) {
    }

    /** After the last training batch of the epoch. */
    default void afterTrain(Learner learner) {
    }

    /** Before the validation pass; the model is in evaluation mode and no gradients are recorded. */
    default void beforeValidate(Learner learner) {
    }

    /** After the validation pass: {@link Learner#epochResult()} holds the epoch's losses and metrics. */
    default void afterValidate(Learner learner) {
    }

    /** After the epoch, which is now the last of {@link Learner#history()}. */
    default void afterEpoch(Learner learner) {
    }

    /** After the last epoch or a stop; {@link Learner#history()} holds every epoch, from the first ever. */
    default void afterFit(Learner learner) {
    }
}
