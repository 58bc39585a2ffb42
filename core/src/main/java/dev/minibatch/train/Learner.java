package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.BatchIterator;
import dev.minibatch.data.DataLoader;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The lesson's {@code fit}, opened up as fastai's {@code Learner} is: each epoch trains the model on every
 * batch of the training loader (train mode, forward, loss, backward, optimizer step, zero the gradients),
 * then measures it on the validation loader (eval mode, no gradients), with the loss and each metric
 * averaged over samples, not batches. The loop is fixed; everything that varies (progress, logs, plots,
 * checkpoints, schedules, clipping, early stopping, the NaN check) is a {@link Callback} on its events,
 * which sees this learner's state through the accessors below.
 *
 * <p>A learner keeps its history, so a later {@code fit} (or one after {@link #resumeFrom}) continues the
 * epoch count. Unless {@link #checkNumerics(boolean) turned off}, a {@link TerminateOnNaNCallback} checks
 * every step. The metrics default to accuracy when the targets are class indices (int32), none otherwise.
 *
 * <pre>{@code
 * History h = Learner.fit(3, model, Functional::crossEntropy, opt, dls.train(), dls.valid());
 * }</pre>
 */
public final class Learner {
    private final Module model;
    private final BiFunction<Tensor, Tensor, Tensor> lossFn;
    private final Optimizer optimizer;
    private final DataLoader<Batch> trainLoader;
    private final DataLoader<Batch> validLoader;
    private final List<Callback> callbacks = new ArrayList<>();
    private List<Metric> metrics;
    private History history = History.empty();
    private boolean checkNumerics = true;
    private LongSupplier clock = System::nanoTime;

    private List<Callback> running = List.of();
    private int epoch;
    private int lastEpoch;
    private boolean training;
    private int batches;
    private int batchIndex;
    private long iteration;
    private Batch batch;
    private Tensor pred;
    private Tensor loss;
    private float lossValue = Float.NaN;
    private boolean cancelled;
    private EpochResult epochResult;
    private String stopRequest;

    /** @param lossFn the loss of a batch, from the model's output and the targets, like {@code F.cross_entropy} */
    public Learner(Module model, BiFunction<Tensor, Tensor, Tensor> lossFn, Optimizer optimizer,
            DataLoader<Batch> trainLoader, DataLoader<Batch> validLoader) {
        this.model = model;
        this.lossFn = lossFn;
        this.optimizer = optimizer;
        this.trainLoader = trainLoader;
        this.validLoader = validLoader;
    }

    /** The lesson's {@code fit(epochs, model, loss_func, opt, train_dl, valid_dl)}, with callbacks. */
    public static History fit(int epochs, Module model, BiFunction<Tensor, Tensor, Tensor> lossFn,
            Optimizer optimizer, DataLoader<Batch> trainLoader, DataLoader<Batch> validLoader, Callback... callbacks) {
        return new Learner(model, lossFn, optimizer, trainLoader, validLoader).addCallbacks(callbacks).fit(epochs);
    }

    /** Adds callbacks; see {@link Callback} for the order in which they run. */
    public Learner addCallbacks(Callback... more) {
        callbacks.addAll(List.of(more));
        return this;
    }

    /** The callbacks added, in the order given. */
    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    /** The validation metrics, by name in every result; replaces the default (accuracy for class indices). */
    public Learner metrics(Metric... chosen) {
        List<Metric> list = List.of(chosen);
        if (list.stream().map(Metric::name).distinct().count() != list.size()) {
            throw new IllegalArgumentException("metrics must have distinct names, got " + list);
        }
        metrics = list;
        return this;
    }

    /** Continues after the epochs of {@code previous} (a checkpoint's history): the next epoch is its last + 1. */
    public Learner resumeFrom(History previous) {
        history = previous;
        return this;
    }

    /**
     * Whether to look for NaN and infinity at each step (a {@link TerminateOnNaNCallback}, unless one was
     * added). On by default: it costs one read of the parameters per step.
     */
    public Learner checkNumerics(boolean on) {
        checkNumerics = on;
        return this;
    }

    /** The clock that times epochs, in nanoseconds (tests give a fake one). */
    Learner clock(LongSupplier nanoClock) {
        clock = nanoClock;
        return this;
    }

    /**
     * Trains {@code epochs} more epochs and returns the whole history. A callback that throws
     * {@link StopTrainingException} (or calls {@link #stop}) ends the run early; the history then holds the
     * epochs completed and the reason. Any other exception (a failing model, a full disk) propagates as it is.
     */
    public History fit(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("fit: epochs must be >= 0, got " + epochs);
        }
        if (trainLoader.size() == 0 || validLoader.size() == 0) {
            throw new IllegalArgumentException("fit: the " + (trainLoader.size() == 0 ? "training" : "validation")
                    + " loader has no batches");
        }
        running = runningCallbacks();
        history = History.of(history.epochs());
        lastEpoch = history.lastEpoch() + epochs;
        stopRequest = null;
        try {
            event(Callback::beforeFit);
            for (epoch = history.lastEpoch() + 1; epoch <= lastEpoch; epoch++) {
                runEpoch();
                if (stopRequest != null) {
                    throw new StopTrainingException(stopRequest);
                }
            }
        } catch (StopTrainingException stop) {
            history = history.stoppedBecause(stop.getMessage());
        }
        event(Callback::afterFit);
        return history;
    }

    private List<Callback> runningCallbacks() {
        List<Callback> all = new ArrayList<>(callbacks);
        if (checkNumerics && all.stream().noneMatch(c -> c instanceof TerminateOnNaNCallback)) {
            all.add(new TerminateOnNaNCallback());
        }
        all.sort(Comparator.comparingInt(Callback::order));
        return List.copyOf(all);
    }

    private void event(BiConsumer<Callback, Learner> phase) {
        for (Callback c : running) {
            phase.accept(c, this);
        }
    }

    private void runEpoch() {
        long start = clock.getAsLong();
        epochResult = null;
        event(Callback::beforeEpoch);
        double trainLoss = trainPass();
        Validation valid = validationPass();
        epochResult = new EpochResult(epoch, trainLoss, valid.loss(), valid.metrics(), (clock.getAsLong() - start) / 1e9);
        event(Callback::afterValidate);
        history = history.plus(epochResult);
        event(Callback::afterEpoch);
    }

    /** One pass over the training batches; the mean loss per sample of the batches that completed. */
    private double trainPass() {
        model.train();
        training = true;
        batches = trainLoader.size();
        batchIndex = 0;
        event(Callback::beforeTrain);
        double lossSum = 0;
        long samples = 0;
        try (BatchIterator<Batch> it = trainLoader.iterator()) {
            while (it.hasNext()) {
                if (trainBatch(it.next())) {
                    int n = batch.x().size(0);
                    lossSum += (double) lossValue * n;
                    samples += n;
                }
            }
        }
        event(Callback::afterTrain);
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    /** Forward, loss, backward, step and zeroing on one batch, with its events; false if it was cancelled. */
    private boolean trainBatch(Batch next) {
        startBatch(next);
        try {
            event(Callback::beforeBatch);
            forwardAndLoss();
            loss.backward();
            event(Callback::afterBackward);
            optimizer.step();
            iteration++;
            event(Callback::afterStep);
        } catch (CancelBatchException skip) {
            cancelled = true;
        }
        optimizer.zeroGrad();
        event(Callback::afterBatch);
        return !cancelled;
    }

    private void startBatch(Batch next) {
        batch = next;
        batchIndex++;
        pred = null;
        loss = null;
        lossValue = Float.NaN;
        cancelled = false;
    }

    private void forwardAndLoss() {
        pred = model.forward(batch.x());
        event(Callback::afterPred);
        loss = lossFn.apply(pred, batch.y());
        lossValue = loss.item();
        event(Callback::afterLoss);
    }

    private record Validation(double loss, Map<String, Double> metrics) {
    }

    /** The validation loss and each metric, averaged over samples as the lesson does. */
    private Validation validationPass() {
        model.eval();
        training = false;
        batches = validLoader.size();
        batchIndex = 0;
        double lossSum = 0;
        long samples = 0;
        double[] sums = null;
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); BatchIterator<Batch> it = validLoader.iterator()) {
            event(Callback::beforeValidate);
            while (it.hasNext()) {
                startBatch(it.next());
                try {
                    event(Callback::beforeBatch);
                    forwardAndLoss();
                    if (metrics == null) {
                        metrics = batch.y().isFloat() ? List.of() : List.of(Metric.accuracy());
                    }
                    sums = sums == null ? new double[metrics.size()] : sums;
                    for (int m = 0; m < sums.length; m++) {
                        sums[m] += metrics.get(m).sum(pred, batch.y());
                    }
                    int n = batch.x().size(0);
                    lossSum += (double) lossValue * n;
                    samples += n;
                } catch (CancelBatchException skip) {
                    cancelled = true;
                }
                event(Callback::afterBatch);
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (int m = 0; sums != null && m < sums.length; m++) {
            values.put(metrics.get(m).name(), sums[m] / samples);
        }
        return new Validation(samples == 0 ? Double.NaN : lossSum / samples, values);
    }

    // ---- what callbacks see ------------------------------------------------------------------------

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public BiFunction<Tensor, Tensor, Tensor> lossFunction() {
        return lossFn;
    }

    public DataLoader<Batch> trainLoader() {
        return trainLoader;
    }

    public DataLoader<Batch> validLoader() {
        return validLoader;
    }

    /** The epochs completed so far, from the first ever; during {@code afterEpoch} it includes the current one. */
    public History history() {
        return history;
    }

    /** The epoch under way, from 1 (counting the epochs of a resumed run's history). */
    public int epoch() {
        return epoch;
    }

    /** The epoch this {@code fit} ends with, if it is not stopped. */
    public int lastEpoch() {
        return lastEpoch;
    }

    /** Whether the current pass trains (true) or validates (false). */
    public boolean training() {
        return training;
    }

    /** The number of batches of the current pass. */
    public int batches() {
        return batches;
    }

    /** The current batch's number within its pass, from 1. */
    public int batchIndex() {
        return batchIndex;
    }

    /** Optimizer steps taken by this learner, over all its {@code fit} calls. */
    public long iteration() {
        return iteration;
    }

    public Batch batch() {
        return batch;
    }

    /** Replaces the batch about to be used (in {@code beforeBatch}): augmentation, a device move, ... */
    public void setBatch(Batch replacement) {
        batch = replacement;
    }

    /** The model's output for the batch, from {@code afterPred} on; null before. */
    public Tensor pred() {
        return pred;
    }

    /** The loss tensor of the batch, from {@code afterLoss} on; null before. */
    public Tensor loss() {
        return loss;
    }

    /** Replaces the loss (in {@code afterLoss}): a penalty added to it is then trained on and reported. */
    public void setLoss(Tensor replacement) {
        if (replacement == null || replacement.numel() != 1) {
            throw new IllegalArgumentException("setLoss: the loss must be a scalar tensor");
        }
        loss = replacement;
        lossValue = replacement.item();
    }

    /** The loss of the batch as a number, NaN before {@code afterLoss}. */
    public float lossValue() {
        return lossValue;
    }

    /** Whether the current batch was cancelled (in {@code afterBatch}). */
    public boolean batchCancelled() {
        return cancelled;
    }

    /** The metrics this learner computes (the default is decided at the first validation batch). */
    public List<Metric> metrics() {
        return metrics == null ? List.of() : metrics;
    }

    /** The current epoch's losses and metrics, from {@code afterValidate} on; null before. */
    public EpochResult epochResult() {
        return epochResult;
    }

    /** Skips the rest of the current batch: throws {@link CancelBatchException}. */
    public void skipBatch() {
        throw new CancelBatchException("skipped by a callback");
    }

    /** Ends training after the current epoch (its callbacks, a checkpoint among them, still run). */
    public void stop(String reason) {
        stopRequest = reason;
    }
}
