package dev.minibatch.cli;

import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Conv2d;
import dev.minibatch.nn.Flatten;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.MaxPool2d;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.nn.Unflatten;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.train.Callback;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.EpochResult;
import dev.minibatch.train.History;
import dev.minibatch.train.Learner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code minibatch bench}: the work of {@code ../shared/bench/torch_fit.py --batched}, timed the same way (the
 * training loop of each epoch, without validation), for the lesson's model, a wide one and the anchor CNN
 * ({@code torch_fit.py --arch cnn --bs 64 --lr 0.05 --momentum 0.9}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Trains the lesson's model (784-50-10, batch 50) and a wide one (784-800-10, batch 256) "
                + "with SGD lr 0.5, and on request (--models cnn) a LeNet-style CNN (5x5 convolutions of 16 and 32 "
                + "channels, each with ReLU and 2x2 max-pooling, then Linear(1568,10); batch 64, SGD lr 0.05 "
                + "momentum 0.9), and prints the median seconds per training epoch, the validation accuracy "
                + "and the peak memory."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs per model (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = "--models", split = ",", defaultValue = "lesson,wide", description = "Any of lesson, wide and cnn (default: ${DEFAULT-VALUE}).")
    List<String> models = List.of("lesson", "wide");

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--workers", defaultValue = "0", description = "Data loading threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed = 1;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (threads != null) {
            Minibatch.setNumThreads(threads);
        }
        Splits splits = data.load();
        for (String m : models) {
            switch (m) {
                case "lesson" -> run(out, splits, new Setup("lesson", "784-50-10", 50, 0.5f, 0f,
                        () -> ModelFiles.mlp(784, List.of(50), 10)));
                case "wide" -> run(out, splits, new Setup("wide", "784-800-10", 256, 0.5f, 0f,
                        () -> ModelFiles.mlp(784, List.of(800), 10)));
                case "cnn" -> run(out, splits, new Setup("cnn", "conv5x5(16)-conv5x5(32)-1568-10", 64, 0.05f, 0.9f,
                        BenchCommand::anchorCnn));
                default -> throw new IllegalArgumentException("unknown model '" + m + "' (expected lesson, wide or cnn)");
            }
        }
        return 0;
    }

    /** A model to time and its training settings. */
    private record Setup(String name, String layers, int batchSize, float lr, float momentum,
                         Supplier<Sequential> model) {
    }

    /** {@code torch_fit.py --arch cnn}'s network, on rows of 784 pixels. */
    static Sequential anchorCnn() {
        return new Sequential(new Unflatten(1, 1, 28, 28), new Conv2d(1, 16, 5, 1, 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 5, 1, 2), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(32 * 7 * 7, 10));
    }

    private void run(PrintWriter out, Splits splits, Setup setup) {
        Minibatch.manualSeed(seed);
        Sequential model = setup.model().get();
        SGD opt = SGD.builder(model.parameters()).lr(setup.lr()).momentum(setup.momentum()).build();
        DataLoaders dls = DataLoaders.of(splits.train(), splits.valid(), setup.batchSize(), seed, workers);
        TrainTimer timer = new TrainTimer();
        resetPeaks();
        History h = Learner.fit(epochs, model, Functional::crossEntropy, opt, dls.train(), dls.valid(), timer);
        double[] t = timer.seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = t[t.length / 2];
        double acc = h.last().map(r -> r.metric("accuracy")).orElse(Double.NaN);
        out.println(String.format(Locale.ROOT, "%-6s %s batch %d, %d epochs: median train epoch %.3f s "
                        + "(all: %s), valid_acc %.4f, peak heap %d MB, peak RSS %s MB, kernels %s, threads %d",
                setup.name(), setup.layers(), setup.batchSize(), epochs, median, Arrays.toString(timer.rounded()), acc, peakHeapMb(),
                peakRssMb(), Minibatch.kernels(), Minibatch.getNumThreads()));
        out.flush();
    }

    /** Times each epoch's training loop, from its start to the end of its last batch (validation excluded). */
    private static final class TrainTimer implements Callback {
        final List<Double> seconds = new ArrayList<>();
        long start;

        @Override
        public void beforeTrain(Learner learner) {
            start = System.nanoTime();
        }

        @Override
        public void afterTrain(Learner learner) {
            seconds.add((System.nanoTime() - start) / 1e9);
        }

        double[] rounded() {
            return seconds.stream().mapToDouble(s -> Math.round(s * 1000) / 1000.0).toArray();
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }

    /** The process's peak resident set (VmHWM), where /proc tells it. */
    private static String peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.toString(Long.parseLong(line.replaceAll("\\D", "")) >> 10);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "?";
        }
        return "?";
    }
}
