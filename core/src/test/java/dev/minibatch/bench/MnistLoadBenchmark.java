package dev.minibatch.bench;

import dev.minibatch.Fixtures;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.Splits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loading MNIST from its four .gz files: decompression, checks, conversion to float and the splits.
 * Run with {@code -Dminibatch.shared=../shared} from the repository root (see the data notes).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector", "-XX:-UseLoopPredicate"})
public class MnistLoadBenchmark {
    @Benchmark
    public Splits loadMnistGz() throws IOException {
        return Mnist.load(Fixtures.mnistDir(), List.of());
    }
}
