package dev.minibatch.train;

import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Linear;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

/**
 * A learner whose numbers are chosen by the test: batches of one sample, a loss that is {@link Script}'s
 * value for each batch (with a real gradient path through the model), an accuracy that is the script's
 * value too, and epochs that take {@link #SECONDS_PER_EPOCH} on a fake clock. It lets a callback be
 * checked through a real {@code fit}, event by event, with exact expected output.
 */
final class ScriptedRun {
    static final double SECONDS_PER_EPOCH = 2.0;

    /** The loss of batch {@code batch} (from 1) of {@code epoch}, in training or validation. */
    interface Script {
        float loss(int epoch, boolean training, int batch);
    }

    private ScriptedRun() {
    }

    /**
     * @param accuracy the validation accuracy every epoch reports
     */
    static Learner learner(int trainBatches, int validBatches, Script script, double accuracy) {
        Minibatch.manualSeed(3);
        Linear model = new Linear(2, 2);
        DataLoader<Batch> train = DataLoader.of(dataset(trainBatches), 1, false);
        DataLoader<Batch> valid = DataLoader.of(dataset(validBatches), 1, false);
        Learner[] self = new Learner[1];
        Learner learner = new Learner(model, (pred, y) -> pred.mul(0f).sum().add(
                script.loss(self[0].epoch(), self[0].training(), self[0].batchIndex())),
                SGD.builder(model.parameters()).lr(0.1f).build(), train, valid);
        self[0] = learner;
        long[] now = {0};
        learner.clock(() -> {
            now[0] += (long) (SECONDS_PER_EPOCH * 1e9);
            return now[0];
        });
        return learner.metrics(Metric.mean("accuracy", (pred, y) -> accuracy));
    }

    static Learner learner(int trainBatches, int validBatches, Script script) {
        return learner(trainBatches, validBatches, script, 0.5);
    }

    private static TensorDataset dataset(int n) {
        return new TensorDataset(Tensor.ones(n, 2), Tensor.ofInts(new int[n], n));
    }
}
