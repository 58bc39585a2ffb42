package dev.minibatch.bench;

import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
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

import java.util.concurrent.TimeUnit;

/**
 * Convolution throughput on the anchor CNN's layers ({@code ../shared/bench/torch_fit.py --arch cnn}, batch
 * 64): {@code conv1} is 1→16 channels on 28x28, {@code conv2} 16→32 on 14x14, both 5x5 with padding 2. The
 * secondary result {@code flop} is in GFLOP/s, counting 2·N·O·P·k per pass (k = C·kH·kW, P output positions).
 * {@code forward} runs without a graph; {@code weightGrad} and {@code inputGrad} run the forward and then the
 * backward to the weight only, or to the input only, and count two passes: a backward's own rate is
 * {@code flop / (1 - t_forward / t)} of theirs, with t the benchmarks' times per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:-UseLoopPredicate"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {
    @Param({"1", "2"})
    public int threads;

    @Param({"conv1", "conv2"})
    public String layer;

    private Tensor x;
    private Tensor weight;
    private Tensor bias;
    private Tensor gradOut;
    private double passFlop;

    @Setup(Level.Trial)
    public void setUp() {
        Minibatch.setNumThreads(threads);
        boolean first = layer.equals("conv1");
        int c = first ? 1 : 16;
        int o = first ? 16 : 32;
        int side = first ? 28 : 14;
        Generator gen = new Generator(0);
        x = Tensor.randn(gen, 64, c, side, side);
        weight = Tensor.randn(gen, o, c, 5, 5);
        bias = Tensor.randn(gen, o);
        gradOut = Tensor.randn(gen, 64, o, side, side);
        passFlop = 2.0 * 64 * o * side * side * c * 25;
    }

    @Benchmark
    public Tensor forward(GemmBenchmark.Flops counter) {
        try (var g = Autograd.noGrad()) {
            counter.flop += passFlop;
            return conv(x, weight);
        }
    }

    @Benchmark
    public Tensor weightGrad(GemmBenchmark.Flops counter) {
        Tensor w = weight.detach().requiresGrad(true);
        conv(x, w).backward(gradOut);
        counter.flop += 2 * passFlop;
        return w.grad();
    }

    @Benchmark
    public Tensor inputGrad(GemmBenchmark.Flops counter) {
        Tensor in = x.detach().requiresGrad(true);
        conv(in, weight).backward(gradOut);
        counter.flop += 2 * passFlop;
        return in.grad();
    }

    private Tensor conv(Tensor input, Tensor w) {
        return Tensor.conv2d(input, w, bias, new int[] {1}, new int[] {2}, new int[] {1}, 1);
    }
}
