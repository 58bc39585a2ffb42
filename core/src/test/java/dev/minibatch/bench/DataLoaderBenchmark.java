package dev.minibatch.bench;

import dev.minibatch.Fixtures;
import dev.minibatch.data.Batch;
import dev.minibatch.data.DataLoader;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.nn.Functional;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One epoch of a shuffling DataLoader over MNIST's 50,000 training images in batches of 50, with and
 * without worker threads, next to one training epoch of the lesson's model (784-50-10, ReLU, cross
 * entropy, SGD) over the same loader: the loader's share of an epoch is the ratio of the two.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector", "-XX:-UseLoopPredicate"})
@State(Scope.Benchmark)
public class DataLoaderBenchmark {
    private static final int BATCH = 50;
    private static final float LR = 0.5f;

    @Param({"0", "2"})
    public int numWorkers;

    private TensorDataset train;
    private DataLoader<Batch> loader;
    private Tensor w1;
    private Tensor b1;
    private Tensor w2;
    private Tensor b2;

    @Setup(Level.Trial)
    public void load() throws IOException {
        train = Mnist.load(Fixtures.mnistDir(), List.of()).train();
        loader = DataLoader.builder(train).batchSize(BATCH).shuffle(true).seed(0).numWorkers(numWorkers).build();
        Generator g = new Generator(0);
        w1 = Tensor.randn(g, 50, 784).mul(0.05f).requiresGrad(true);
        b1 = Tensor.zeros(50).requiresGrad(true);
        w2 = Tensor.randn(g, 10, 50).mul(0.14f).requiresGrad(true);
        b2 = Tensor.zeros(10).requiresGrad(true);
    }

    @Benchmark
    public void loaderEpoch(Blackhole bh) {
        for (Batch b : loader) {
            bh.consume(b.x());
            bh.consume(b.y());
        }
    }

    @Benchmark
    public float trainingEpoch() {
        float last = 0;
        for (Batch b : loader) {
            Tensor hidden = Tensor.linear(b.x(), w1, b1).relu();
            Tensor loss = Functional.crossEntropy(Tensor.linear(hidden, w2, b2), b.y());
            loss.backward();
            try (var ignored = Autograd.noGrad()) {
                for (Tensor p : List.of(w1, b1, w2, b2)) {
                    p.addInPlace(p.grad(), -LR);
                    p.zeroGrad();
                }
            }
            last = loss.item();
        }
        return last;
    }
}
