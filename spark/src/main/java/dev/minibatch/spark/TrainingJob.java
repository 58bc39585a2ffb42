package dev.minibatch.spark;

import dev.minibatch.data.Batch;
import dev.minibatch.data.Dataset;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Callback;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What each rank of a {@link SparkTrainer} builds for itself: the same model, optimizer, data and loss as a
 * single-process run would use. A job is serialized to every executor and its methods run there, so it holds
 * only settings (sizes, rates, a path every executor sees), never loaded data.
 */
public interface TrainingJob extends Serializable {
    /** The model; the default generator is seeded with the trainer's seed just before, as for one process. */
    Module model();

    Optimizer optimizer(Module model);

    /** The whole training set: each rank trains on its {@link dev.minibatch.data.DistributedSampler} share. */
    Dataset<Batch> trainData() throws IOException;

    /** The validation set, measured whole by every rank. */
    Dataset<Batch> validData() throws IOException;

    /** The loss of a batch, from the model's output and the targets. */
    default BiFunction<Tensor, Tensor, Tensor> loss() {
        return Functional::crossEntropy;
    }

    /** Settings recorded with the checkpoint, and compared between ranks before the first step. */
    default Map<String, String> settings() {
        return Map.of();
    }

    /** More callbacks for the learner of rank {@code rank} (progress or logs on rank 0, for example). */
    default List<Callback> callbacks(int rank, int numReplicas) {
        return List.of();
    }
}
