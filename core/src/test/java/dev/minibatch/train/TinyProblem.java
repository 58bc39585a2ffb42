package dev.minibatch.train;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

/**
 * A small classification problem that trains in milliseconds: 8 features, 3 classes given by the
 * largest of three fixed linear functions, and the lesson's MLP shape scaled down.
 */
final class TinyProblem {
    static final int FEATURES = 8;
    static final int CLASSES = 3;

    private TinyProblem() {
    }

    static TensorDataset dataset(long seed, int n) {
        Generator g = new Generator(seed);
        Tensor x = Tensor.randn(g, n, FEATURES);
        Tensor w = Tensor.randn(new Generator(99), FEATURES, CLASSES);
        return new TensorDataset(x, x.matmul(w).argmax(1));
    }

    static TensorDataset train() {
        return dataset(1, 200);
    }

    static TensorDataset valid() {
        return dataset(2, 90);
    }

    /** The model, initialised from {@code Minibatch.manualSeed(initSeed)} as PyTorch's would be. */
    static Sequential model(long initSeed) {
        Minibatch.manualSeed(initSeed);
        return new Sequential(new Linear(FEATURES, 16), new ReLU(), new Linear(16, CLASSES));
    }
}
