package dev.minibatch.bench;

import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.train.Callback;
import dev.minibatch.train.CheckpointCallback;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.EpochResult;
import dev.minibatch.train.History;
import dev.minibatch.train.Learner;
import dev.minibatch.train.MetricsLogCallback;
import dev.minibatch.train.PlotCallback;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A long run in one process: the lesson's experiment (MNIST, 784-50-10, SGD lr 0.5, batch 50) for 50
 * epochs, with the command's metrics logs, plots and a checkpoint after every epoch, printing after each
 * epoch the heap in use after a full GC and the number of live threads. Both should stay flat: a leak in
 * the autograd graph, the loaders' worker threads or the checkpoint writer would show as a climb.
 *
 * <pre>{@code
 * bench/long-run.sh [EPOCHS [WORKERS [OUT_DIR]]]       # defaults: 50 epochs, 0 workers, a temporary folder
 * }</pre>
 * MNIST comes from {@code $MINIBATCH_DATA/mnist}, as for {@code minibatch train}.
 */
public final class LongRunBenchmark {
    private LongRunBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Path out = args.length > 2 ? Files.createDirectories(Path.of(args[2]))
                : Files.createTempDirectory("minibatch-long-run");
        Splits mnist = Mnist.load();
        Minibatch.manualSeed(1);
        Sequential model = new Sequential(new Linear(784, 50), new ReLU(), new Linear(50, 10));
        Optimizer opt = SGD.builder(model.parameters()).lr(0.5f).build();
        DataLoaders dls = DataLoaders.of(mnist.train(), mnist.valid(), 50, 1, workers);
        System.out.printf("%d epochs, %d data workers, %d compute threads, -Xmx %d MB, output in %s%n", epochs,
                workers, Minibatch.getNumThreads(), Runtime.getRuntime().maxMemory() >> 20, out);
        System.out.println("epoch  valid_acc  seconds  heap_after_gc_mb  live_threads");
        Footprint footprint = new Footprint();
        History h = new Learner(model, Functional::crossEntropy, opt, dls.train(), dls.valid())
                .addCallbacks(new MetricsLogCallback(out.resolve("metrics.csv")), new PlotCallback(out),
                        new CheckpointCallback(out.resolve("checkpoint"), model, opt, dls.generator(), Map.of()),
                        footprint)
                .fit(epochs);
        footprint.summary(h);
    }

    /** Measures after each epoch and sums up the run, skipping epoch 1, which loads and compiles. */
    private static final class Footprint implements Callback {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private double minHeap = Double.MAX_VALUE;
        private double maxHeap;
        private int minThreads = Integer.MAX_VALUE;
        private int maxThreads;

        @Override
        public void afterEpoch(Learner learner) {
            EpochResult r = learner.history().last().orElseThrow();
            System.gc();
            double heap = memory.getHeapMemoryUsage().getUsed() / 1e6;
            int live = threads.getThreadCount();
            System.out.printf("%5d  %9.4f  %7.2f  %16.1f  %12d%n", r.epoch(), r.metric("accuracy"), r.seconds(), heap,
                    live);
            if (r.epoch() > 1) {
                minHeap = Math.min(minHeap, heap);
                maxHeap = Math.max(maxHeap, heap);
                minThreads = Math.min(minThreads, live);
                maxThreads = Math.max(maxThreads, live);
            }
        }

        void summary(History h) {
            System.out.printf("epochs 2-%d: heap after GC %.1f-%.1f MB, live threads %d-%d, peak threads %d%s%n",
                    h.lastEpoch(), minHeap, maxHeap, minThreads, maxThreads, threads.getPeakThreadCount(),
                    h.stopReason().map(r -> "; stopped: " + r).orElse(""));
        }
    }
}
