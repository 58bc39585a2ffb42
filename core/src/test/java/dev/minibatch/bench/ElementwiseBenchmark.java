package dev.minibatch.bench;

import dev.minibatch.tensor.KernelHandle;
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
 * Elementwise and reduction kernels on a [rows, cols] activation. The secondary result {@code bytes} is
 * in bytes/ns, that is GB/s, counting each array read or written once. 50x50 is the lesson's hidden
 * layer, 256x800 the wide model's (800 KB, in L2), 2048x2048 a tensor that only fits in L3.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:-UseLoopPredicate"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ElementwiseBenchmark {
    @Param({"vector", "plain"})
    public String kernels;

    @Param({"50x50", "256x800", "2048x2048"})
    public String shape;

    private KernelHandle kernel;
    private int rows;
    private int cols;
    private float[] x;
    private float[] y;
    private float[] out;
    private float[] row;
    private float[] colSums;

    /** Counts bytes moved, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        kernel = KernelHandle.of(kernels);
        String[] dims = shape.split("x");
        rows = Integer.parseInt(dims[0]);
        cols = Integer.parseInt(dims[1]);
        Random r = new Random(0);
        x = GemmBenchmark.randoms(r, rows * cols);
        y = GemmBenchmark.randoms(r, rows * cols);
        out = new float[rows * cols];
        row = GemmBenchmark.randoms(r, cols);
        colSums = new float[cols];
    }

    @Benchmark
    public float[] add(Bytes counter) {
        kernel.add(x, y, out);
        counter.bytes += 12.0 * out.length;
        return out;
    }

    @Benchmark
    public float[] relu(Bytes counter) {
        kernel.relu(x, out);
        counter.bytes += 8.0 * out.length;
        return out;
    }

    @Benchmark
    public float[] reluBackward(Bytes counter) {
        kernel.reluBackward(x, y, out);
        counter.bytes += 12.0 * out.length;
        return out;
    }

    /** {@code y += alpha * x}: a gradient accumulation or an SGD step. */
    @Benchmark
    public float[] axpy(Bytes counter) {
        kernel.axpy(1e-9f, x, y);
        counter.bytes += 12.0 * y.length;
        return y;
    }

    @Benchmark
    public float[] addRowVectorRelu(Bytes counter) {
        kernel.addRowVectorRelu(x, row, out, rows, cols);
        counter.bytes += 8.0 * out.length;
        return out;
    }

    @Benchmark
    public float[] sumRows(Bytes counter) {
        kernel.sumRows(x, colSums, rows, cols);
        counter.bytes += 4.0 * x.length;
        return colSums;
    }
}
