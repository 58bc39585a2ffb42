package dev.minibatch.train;

import dev.minibatch.Fixtures;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two runs with the same seed give bit-identical parameters, whatever the number of data worker threads
 * and compute threads. The model is wide enough (64 x 784 x 128 multiply-adds in a batch's first layer,
 * above the kernels' 4 million) that its matrix products really are split among the compute threads.
 */
class DeterminismTest {
    private static final long SEED = 42;
    private static TensorDataset train;
    private static TensorDataset valid;
    private final int threadsBefore = Minibatch.getNumThreads();

    @BeforeAll
    static void firstTwoThousandImages() throws IOException {
        Splits mnist = Mnist.load(Fixtures.mnistDir(), List.of());
        train = first(mnist.train(), 2000);
        valid = first(mnist.valid(), 500);
    }

    private static TensorDataset first(TensorDataset ds, int n) {
        return new TensorDataset(ds.tensor(0).slice(0, 0, n), ds.tensor(1).slice(0, 0, n));
    }

    @AfterEach
    void restoreThreads() {
        Minibatch.setNumThreads(threadsBefore);
    }

    /** Two shuffled epochs of SGD with momentum; the parameters at the end, by name. */
    private static Map<String, Tensor> train(int computeThreads, int dataWorkers) {
        Minibatch.setNumThreads(computeThreads);
        Minibatch.manualSeed(SEED);
        Sequential model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
        Optimizer opt = SGD.builder(model.parameters()).lr(0.1f).momentum(0.9f).build();
        DataLoaders dls = DataLoaders.of(train, valid, 64, SEED, dataWorkers);
        History h = Learner.fit(2, model, Functional::crossEntropy, opt, dls.train(), dls.valid());
        assertEquals(2, h.lastEpoch());
        assertTrue(h.last().orElseThrow().metric("accuracy") > 0.8, "the model learned: " + h);
        return model.stateDict();
    }

    @Test
    void theSameSeedGivesBitIdenticalParametersWhateverTheThreads() {
        Map<String, Tensor> reference = train(1, 0);
        for (int[] setting : new int[][] {{1, 2}, {2, 0}, {2, 2}, {3, 1}}) {
            Map<String, Tensor> other = train(setting[0], setting[1]);
            assertEquals(reference.keySet(), other.keySet());
            for (String name : reference.keySet()) {
                assertArrayEquals(reference.get(name).toFloatArray(), other.get(name).toFloatArray(),
                        name + " with " + setting[0] + " compute threads and " + setting[1] + " data workers");
            }
        }
    }
}
