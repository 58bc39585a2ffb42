package dev.minibatch.cli;

import dev.minibatch.spark.SparkTrainer;
import dev.minibatch.train.EpochResult;
import dev.minibatch.train.History;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code train --spark}: the run on Spark, through {@link SparkTrainer}. Only this class reaches Spark, so the
 * command needs Spark's jars on its class path only when {@code --spark} is given (the launcher adds them).
 */
final class SparkTrain {
    private SparkTrain() {
    }

    static int run(TrainCommand train, SparkOptions spark, CommandSpec spec, Path dir, PrintWriter out) throws IOException {
        if (!train.schedule.schedule.equals("constant") || !train.metrics.equals(List.of("accuracy"))) {
            throw new ParameterException(spec.commandLine(), "--spark trains with a constant rate and the accuracy "
                    + "metric only, for now: leave out --schedule and --metrics");
        }
        String master = spark.sparkMaster();
        int ranks = spark.ranks();
        if (ranks < 1) {
            throw new ParameterException(spec.commandLine(), "--ranks N is required with --spark " + spark.master
                    + (spark.ranks != null ? " and must be >= 1, got " + spark.ranks : ""));
        }
        CliJob job = new CliJob(spec.commandLine().getParseResult().originalArgs(), dir);
        SparkTrainer.SparkFit fit;
        try {
            fit = SparkTrainer.builder(job).workers(ranks).epochs(train.epochs).batchSize(train.training.batchSize)
                    .seed(train.training.seed).checkpointDir(dir.resolve("checkpoint")).build()
                    .run(master, "minibatch train");
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("--spark needs Spark's jars on the class path: start it with ./minibatch, "
                    + "which adds them, or with spark-submit (missing: " + e.getMessage() + ")", e);
        }
        History history = fit.history();
        for (EpochResult r : history.epochs()) {
            out.println(EpochPrinter.line(r, train.epochs));
        }
        List<Integer> attempts = fit.ranks().stream().map(r -> r.stageAttempt()).distinct().toList();
        out.printf(Locale.ROOT, "validation accuracy %.4f after %d epochs on %d ranks (stage attempt %s); model saved "
                + "to %s%n", history.last().map(r -> r.metrics().getOrDefault("accuracy", Double.NaN)).orElse(Double.NaN),
                history.lastEpoch(), ranks, attempts, dir.resolve("model.safetensors"));
        return 0;
    }
}
