package dev.minibatch.spark;

import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The measured parts of data-parallel training and the scaling model built from them (docs/spark.md): the
 * wide model's (784-800-10) compute per step at 256 samples per worker, the all-reduce of its gradients over
 * loopback for 1 to 4 ranks, and the step time of N ranks as threads of this machine. Run by bench/spark.sh.
 */
final class ScalingBench {
    private static final int BATCH = 256;
    private static final int REPEATS = 40;

    private ScalingBench() {
    }

    public static void main(String[] args) throws Exception {
        int maxRanks = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int parameters = wideModel().parameters().stream().mapToInt(Tensor::numel).sum();
        stepSeconds(1); // the JIT's warm-up
        double compute = stepSeconds(1);
        System.out.printf(Locale.ROOT, "wide model: %,d parameters (%.2f MB of gradients); one step of %d samples: "
                + "%.2f ms%n", parameters, parameters * 4e-6, BATCH, compute * 1e3);
        System.out.println("ranks  all-reduce ms  one value ms  MB/s per rank  step ms (N ranks on this machine)");
        double[] latency = new double[maxRanks + 1];
        for (int n = 1; n <= maxRanks; n++) {
            double big = allReduceSeconds(n, parameters);
            latency[n] = allReduceSeconds(n, 1);
            double sent = 2.0 * (n - 1) / n * parameters * 4e-6;
            double step = stepSeconds(n);
            System.out.printf(Locale.ROOT, "%5d  %13.2f  %12.3f  %13.0f  %7.2f%n", n, big * 1e3, latency[n] * 1e3,
                    n == 1 ? 0 : sent / big, step * 1e3);
        }
        model(compute, parameters * 4.0, latency[Math.min(maxRanks, 4)]);
    }

    static Sequential wideModel() {
        Minibatch.manualSeed(1);
        return new Sequential(new Linear(784, 800), new ReLU(), new Linear(800, 10));
    }

    /** The median seconds of one all-reduce of {@code length} values among {@code n} local ranks. */
    private static double allReduceSeconds(int n, int length) throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(n, Duration.ofMinutes(1))) {
            List<double[]> times = ranks.run(r -> () -> {
                float[] x = new float[length];
                Arrays.fill(x, r);
                double[] t = new double[REPEATS];
                for (int i = -5; i < REPEATS; i++) {
                    long start = System.nanoTime();
                    ranks.rank(r).average(x);
                    if (i >= 0) {
                        t[i] = (System.nanoTime() - start) / 1e9;
                    }
                }
                return t;
            });
            return median(times.get(0));
        }
    }

    /** The median step (forward, loss, backward, averaging, SGD) of rank 0 with {@code n} ranks as threads. */
    private static double stepSeconds(int n) throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(n, Duration.ofMinutes(1))) {
            List<double[]> times = ranks.run(r -> () -> {
                Sequential model = wideModel();
                SGD opt = SGD.builder(model.parameters()).lr(0.05f).momentum(0.9f).build();
                GradientAveraging averaging = new GradientAveraging(ranks.rank(r));
                Generator g = new Generator(r);
                Tensor x = Tensor.rand(g, BATCH, 784);
                Tensor y = Tensor.randint(g, 0, 10, BATCH);
                double[] t = new double[REPEATS];
                for (int i = -10; i < REPEATS; i++) {
                    long start = System.nanoTime();
                    Functional.crossEntropy(model.forward(x), y).backward();
                    averaging.average(model.parameters());
                    opt.step();
                    opt.zeroGrad();
                    if (i >= 0) {
                        t[i] = (System.nanoTime() - start) / 1e9;
                    }
                }
                return t;
            });
            return median(times.get(0));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Expected efficiency t_compute / (t_compute + t_allreduce) with the all-reduce after backward (no overlap):
     * each rank sends and receives 2(N-1)/N of the gradient bytes at the link's speed, plus the latency of one
     * call ({@code latency}, measured on loopback; a LAN's is similar or larger). The variants: 4x the samples per
     * worker (4x the compute, the same bytes), 16-bit gradients (half the bytes), averaging every 4th step.
     */
    private static void model(double compute, double bytes, double latency) {
        System.out.printf(Locale.ROOT, "expected efficiency from %.2f ms compute per %d-sample step, %.2f MB per "
                + "all-reduce, %.3f ms latency:%n", compute * 1e3, BATCH, bytes * 1e-6, latency * 1e3);
        String[] names = {"as measured", "1024 samples per worker", "16-bit gradients", "averaging every 4 steps",
            "16-bit, every 4 steps"};
        double[][] variants = {{1, 1, 1}, {4, 1, 1}, {1, 0.5, 1}, {1, 1, 4}, {1, 0.5, 4}};
        for (double gbit : new double[] {1, 10}) {
            for (int v = 0; v < variants.length; v++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%4.0f Gbit/s  %-24s", gbit, names[v]));
                for (int n : new int[] {2, 4, 8, 16, 32}) {
                    double c = compute * variants[v][0];
                    double comm = (2.0 * (n - 1) / n * bytes * variants[v][1] / (gbit * 1.25e8) + latency) / variants[v][2];
                    row.append(String.format(Locale.ROOT, "  N=%-2d %.2f", n, c / (c + comm)));
                }
                System.out.println(row);
            }
        }
    }
}
