package dev.minibatch.spark;

import dev.minibatch.data.Batch;
import dev.minibatch.data.Dataset;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.Module;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Callback;
import dev.minibatch.train.Learner;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.TaskContext;

import java.util.List;
import java.util.Map;

/**
 * A classification problem that trains in milliseconds (8 features, 3 classes given by the largest of three
 * fixed linear functions), with SGD and momentum so that a resumed run needs the optimizer's state.
 */
class TinyJob implements TrainingJob {
    static final int FEATURES = 8;

    final int trainSize;
    final float lr;
    /** 0 for none; else the hidden width of rank 1, which then describes another model than rank 0's. */
    int rankOneHidden;
    /** The epoch in which rank 1 fails on the stage's first attempt; 0 for none. */
    int failInEpoch;

    TinyJob(int trainSize, float lr) {
        this.trainSize = trainSize;
        this.lr = lr;
    }

    static TensorDataset dataset(long seed, int n) {
        Tensor x = Tensor.randn(new Generator(seed), n, FEATURES);
        Tensor w = Tensor.randn(new Generator(99), FEATURES, 3);
        return new TensorDataset(x, x.matmul(w).argmax(1));
    }

    @Override
    public Module model() {
        int hidden = rankOneHidden != 0 && TaskContext.getPartitionId() == 1 ? rankOneHidden : 16;
        return new Sequential(new Linear(FEATURES, hidden), new ReLU(), new Linear(hidden, 3));
    }

    @Override
    public Optimizer optimizer(Module model) {
        return SGD.builder(model.parameters()).lr(lr).momentum(0.9f).build();
    }

    @Override
    public TensorDataset trainData() {
        return dataset(1, trainSize);
    }

    @Override
    public Dataset<Batch> validData() {
        return dataset(2, 30);
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("problem", "tiny");
    }

    @Override
    public List<Callback> callbacks(int rank, int numReplicas) {
        if (failInEpoch == 0 || rank != 1 || BarrierTaskContext.get().stageAttemptNumber() > 0) {
            return List.of();
        }
        return List.of(new Callback() {
            @Override
            public void afterBackward(Learner learner) {
                if (learner.epoch() == failInEpoch && learner.batchIndex() == 2) {
                    throw new IllegalStateException("rank 1 killed in epoch " + failInEpoch + " (a test's fault)");
                }
            }
        });
    }
}
