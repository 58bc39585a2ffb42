package dev.minibatch.cli;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the training step compiled before training starts. The JIT compiles a method only after it has run
 * many times, and until then the Vector API kernels run interpreted, boxing every vector: the first epoch
 * took several times as long as the others. So while the main thread reads and decodes the dataset (on one
 * core), a second thread trains a throw-away model of the job's shape on random data: forward, cross
 * entropy, backward, the optimizer's step, the numerics check, a batch gathered from a dataset, and an
 * evaluation pass. By the first real batch, those paths are compiled.
 *
 * <p>The run's results cannot depend on it: the throw-away model is built before the run seeds the default
 * generator, the thread draws only from its own generator, and it shares no tensor with the run.
 */
final class Warmup {
    /** Enough for the kernels to reach C2 where the data loads faster than that (a warm file cache). */
    private static final long MAX_MILLIS = 3000;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    private Warmup(Module model, Optimizer optimizer, int in, int classes, int batchSize) {
        thread = new Thread(() -> run(model, optimizer, in, classes, batchSize), "minibatch-warmup");
        thread.setDaemon(true);
    }

    /** Starts warming up on {@code model}, which must be the run's shape but not the run's model. */
    static Warmup start(Module model, Optimizer optimizer, int in, int classes, int batchSize) {
        Warmup w = new Warmup(model, optimizer, in, classes, batchSize);
        w.thread.start();
        return w;
    }

    /** Stops the warm-up after its current step and waits for it, so the run has the cores to itself. */
    void finish() {
        stop.set(true);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Module model, Optimizer optimizer, int in, int classes, int batchSize) {
        Generator g = new Generator(0);
        TensorDataset data = new TensorDataset(Tensor.rand(g, 4 * batchSize, in),
                Tensor.randint(g, 0, classes, 4 * batchSize));
        long deadline = System.currentTimeMillis() + MAX_MILLIS;
        for (int step = 0; !stop.get() && System.currentTimeMillis() < deadline; step++) {
            var batch = data.getBatch(g.permutation(4 * batchSize));
            model.train();
            Tensor loss = Functional.crossEntropy(model.forward(batch.x().slice(0, 0, batchSize)),
                    batch.y().slice(0, 0, batchSize));
            loss.backward();
            optimizer.step();
            model.parameters().forEach(Tensor::allFinite);
            optimizer.zeroGrad();
            if (step % 8 == 0) {
                model.eval();
                try (Autograd.NoGrad noGrad = Autograd.noGrad()) {
                    Functional.crossEntropy(model.forward(batch.x()), batch.y()).item();
                }
            }
        }
    }
}
