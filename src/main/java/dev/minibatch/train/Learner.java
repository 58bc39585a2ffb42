package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.BatchIterator;
import dev.minibatch.data.DataLoader;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The lesson's {@code fit}: each epoch trains the model on every batch of the training loader (train
 * mode, forward, loss, backward, optimizer step, zero the gradients), then measures it on the validation
 * loader (eval mode, no gradients), with the loss and accuracy averaged over samples, not batches.
 * Callbacks see each step; a learner keeps its history, so a later {@code fit} (or one after
 * {@link #resumeFrom}) continues the epoch count. Every step is checked for NaN and infinity unless
 * {@link #checkNumerics(boolean) turned off}.
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
    private History history = History.empty();
    private boolean checkNumerics = true;
    private NumericsCheck numerics;

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

    /** Adds callbacks, called in the order given. */
    public Learner addCallbacks(Callback... more) {
        callbacks.addAll(List.of(more));
        return this;
    }

    /** Continues after the epochs of {@code previous} (a checkpoint's history): the next epoch is its last + 1. */
    public Learner resumeFrom(History previous) {
        history = previous;
        return this;
    }

    public History history() {
        return history;
    }

    /**
     * Whether to look for NaN and infinity at each step, in the loss and in every parameter (and so in
     * every gradient, which the step puts into its parameter), and in the validation loss. On by default:
     * it costs one read of the parameters per step. The first one found stops training, before the epoch
     * ends and so before its checkpoint, with a message naming the epoch, the batch and the tensor.
     */
    public Learner checkNumerics(boolean on) {
        checkNumerics = on;
        return this;
    }

    /**
     * Trains {@code epochs} more epochs and returns the whole history. A callback that throws
     * {@link StopTrainingException} ends the run early; the history then holds the epochs completed and
     * the reason. Any other exception (a failing model, a full disk) propagates as it is.
     */
    public History fit(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("fit: epochs must be >= 0, got " + epochs);
        }
        if (trainLoader.size() == 0 || validLoader.size() == 0) {
            throw new IllegalArgumentException("fit: the " + (trainLoader.size() == 0 ? "training" : "validation")
                    + " loader has no batches");
        }
        history = History.of(history.epochs());
        numerics = checkNumerics ? new NumericsCheck(model) : null;
        int last = history.lastEpoch() + epochs;
        callbacks.forEach(c -> c.onFitStart(history, last));
        try {
            for (int epoch = history.lastEpoch() + 1; epoch <= last; epoch++) {
                EpochResult result = epoch(epoch);
                history = history.plus(result);
                callbacks.forEach(c -> c.onEpochEnd(result));
            }
        } catch (StopTrainingException stop) {
            history = history.stoppedBecause(stop.getMessage());
        }
        History done = history;
        callbacks.forEach(c -> c.onFitEnd(done));
        return history;
    }

    private EpochResult epoch(int epoch) {
        long start = System.nanoTime();
        double trainLoss = train(epoch);
        Validation valid = validate();
        if (numerics != null) {
            numerics.afterValidation(epoch, valid.loss());
        }
        return new EpochResult(epoch, trainLoss, valid.loss(), valid.accuracy(), (System.nanoTime() - start) / 1e9);
    }

    /** One pass over the training batches; the mean loss per sample. */
    private double train(int epoch) {
        model.train();
        int batches = trainLoader.size();
        callbacks.forEach(c -> c.onEpochStart(epoch, batches));
        double lossSum = 0;
        long samples = 0;
        int batch = 0;
        try (BatchIterator<Batch> it = trainLoader.iterator()) {
            while (it.hasNext()) {
                Batch b = it.next();
                int done = ++batch;
                float value = step(b, epoch, done);
                int n = b.x().size(0);
                lossSum += (double) value * n;
                samples += n;
                callbacks.forEach(c -> c.onBatchEnd(epoch, done, value));
            }
        }
        return lossSum / samples;
    }

    /** Forward, loss, backward and optimizer step on one batch; its loss. */
    private float step(Batch b, int epoch, int batch) {
        Tensor loss = lossFn.apply(model.forward(b.x()), b.y());
        loss.backward();
        float value = loss.item();
        if (numerics != null) {
            numerics.afterBackward(epoch, batch, value);
        }
        optimizer.step();
        if (numerics != null) {
            numerics.afterStep(epoch, batch);
        }
        optimizer.zeroGrad();
        return value;
    }

    private record Validation(double loss, double accuracy) {
    }

    /** The validation loss and accuracy, each averaged over samples as the lesson does. */
    private Validation validate() {
        model.eval();
        double lossSum = 0;
        long correct = 0;
        long samples = 0;
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); BatchIterator<Batch> it = validLoader.iterator()) {
            while (it.hasNext()) {
                Batch b = it.next();
                Tensor pred = model.forward(b.x());
                int n = b.x().size(0);
                lossSum += (double) lossFn.apply(pred, b.y()).item() * n;
                // The batch's accuracy is a float mean; times n it is the count of correct rows, up to rounding.
                correct += Math.round((double) Metrics.accuracy(pred, b.y()) * n);
                samples += n;
            }
        }
        return new Validation(lossSum / samples, (double) correct / samples);
    }
}
