package dev.minibatch.bench;

import dev.minibatch.Fixtures;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.History;
import dev.minibatch.train.Learner;
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

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The price of {@link Learner#checkNumerics}: one epoch of the lesson's experiment (784-50-10, SGD lr 0.5,
 * batch 50, 50,000 training and 10,000 validation images) with the check on and off.
 * {@code bench/jmh.sh NumericsCheckBenchmark}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector", "-XX:-UseLoopPredicate"})
@State(Scope.Benchmark)
public class NumericsCheckBenchmark {
    @Param({"true", "false"})
    public boolean checkNumerics;

    private Splits mnist;
    private Learner learner;

    @Setup(Level.Trial)
    public void load() throws IOException {
        mnist = Mnist.load(Fixtures.mnistDir(), List.of());
        Minibatch.manualSeed(1);
        Sequential model = new Sequential(new Linear(784, 50), new ReLU(), new Linear(50, 10));
        DataLoaders dls = DataLoaders.of(mnist.train(), mnist.valid(), 50, 1);
        learner = new Learner(model, Functional::crossEntropy, SGD.builder(model.parameters()).lr(0.5f).build(),
                dls.train(), dls.valid()).checkNumerics(checkNumerics);
    }

    @Benchmark
    public History epoch() {
        return learner.fit(1);
    }
}
