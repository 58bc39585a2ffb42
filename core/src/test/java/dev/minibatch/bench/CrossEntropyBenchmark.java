package dev.minibatch.bench;

import dev.minibatch.tensor.KernelHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The fused softmax cross entropy (loss and gradient) per batch of logits [batch, classes], in µs. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:-UseLoopPredicate"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CrossEntropyBenchmark {
    @Param({"50x10", "256x10"})
    public String shape;

    private KernelHandle kernel;
    private int n;
    private int c;
    private float[] logits;
    private int[] target;
    private float[] loss;
    private float[] grad;

    @Setup
    public void setUp() {
        kernel = KernelHandle.of("vector");
        String[] dims = shape.split("x");
        n = Integer.parseInt(dims[0]);
        c = Integer.parseInt(dims[1]);
        Random r = new Random(0);
        logits = GemmBenchmark.randoms(r, n * c);
        target = new int[n];
        for (int i = 0; i < n; i++) {
            target[i] = r.nextInt(c);
        }
        loss = new float[n];
        grad = new float[n * c];
    }

    @Benchmark
    public float[] softmaxCrossEntropy() {
        kernel.softmaxCrossEntropy(logits, target, n, c, loss, grad);
        return grad;
    }
}
