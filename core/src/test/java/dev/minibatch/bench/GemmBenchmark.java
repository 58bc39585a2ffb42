package dev.minibatch.bench;

import dev.minibatch.tensor.KernelHandle;
import dev.minibatch.tensor.Minibatch;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * GEMM throughput. The secondary result {@code flop} is in flop/ns, that is GFLOP/s. Shapes are
 * {@code MxNxK-LAYOUT}: NN is A·B, TN is Aᵀ·B, NT is A·Bᵀ. The lesson (784-50-10, batch 50): forward
 * x·W1ᵀ is 50x50x784-NT, dW1 = gᵀ·x is 50x784x50-TN, then h·W2ᵀ 50x10x50-NT, dW2 = gᵀ·h 10x50x50-TN and
 * dh = g·W2 50x50x10-NN. The wide model (784-800-10, batch 256): 256x800x784-NT and 800x784x256-TN.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:-UseLoopPredicate"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    @Param({"vector", "plain"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    @Param({"1024x1024x1024-NN", "256x800x784-NT", "800x784x256-TN", "50x50x784-NT", "50x784x50-TN",
        "50x10x50-NT", "10x50x50-TN", "50x50x10-NN"})
    public String shape;

    private KernelHandle kernel;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;

    /** Counts floating-point operations, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double flop;

        @Setup(Level.Iteration)
        public void reset() {
            flop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Minibatch.setNumThreads(threads);
        kernel = KernelHandle.of(kernels);
        String[] dims = shape.split("-")[0].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        transA = shape.endsWith("-TN");
        transB = shape.endsWith("-NT");
        Random r = new Random(0);
        a = randoms(r, m * k);
        b = randoms(r, k * n);
        c = new float[m * n];
    }

    @Benchmark
    public float[] gemm(Flops counter) {
        kernel.gemm(transA, transB, m, n, k, a, b, c);
        counter.flop += 2.0 * m * n * k;
        return c;
    }

    static float[] randoms(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }
}
