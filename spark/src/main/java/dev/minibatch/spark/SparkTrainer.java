package dev.minibatch.spark;

import dev.minibatch.train.Checkpoint;
import dev.minibatch.train.History;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag$;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Data-parallel training on Spark: {@code workers} ranks train the job's model together in one barrier stage,
 * each on its {@link dev.minibatch.data.DistributedSampler} share of every epoch, averaging gradients after each
 * backward pass with an {@link AllReduce} among themselves, so that every rank holds the same parameters after
 * every step, bit for bit. Rank 0 writes a {@link Checkpoint} after each epoch; when a task fails, Spark runs the
 * stage again and every rank resumes from that checkpoint (and a later {@code fit} with the same folder continues
 * the run), giving the parameters of a run that never failed.
 *
 * <pre>{@code
 * SparkFit fit = SparkTrainer.builder(job).workers(4).epochs(5).batchSize(64).checkpointDir(dir).build().fit(sc);
 * }</pre>
 */
public final class SparkTrainer {
    private final TrainingJob job;
    private final int workers;
    private final Plan plan;

    private SparkTrainer(TrainingJob job, int workers, Plan plan) {
        this.job = job;
        this.workers = workers;
        this.plan = plan;
    }

    public static Builder builder(TrainingJob job) {
        return new Builder(job);
    }

    /** The outcome: the run's history (from rank 0's checkpoint, which holds the final parameters) and each rank's report. */
    public record SparkFit(History history, Path checkpoint, List<RankResult> ranks) {
    }

    /** Runs the barrier stage on {@code sc} and waits for it; a stage that fails more than Spark allows throws. */
    public SparkFit fit(JavaSparkContext sc) throws IOException {
        JavaRDD<Integer> slots = sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers);
        RDD<RankResult> ranks = slots.rdd().barrier()
                .mapPartitions(new RankTask(job, plan), false, ClassTag$.MODULE$.apply(RankResult.class));
        // A shuffle after the barrier stage makes it a map stage, which Spark retries when a task fails (it
        // never retries a barrier result stage).
        List<RankResult> results = new ArrayList<>(ranks.toJavaRDD().keyBy(RankResult::rank)
                .partitionBy(new HashPartitioner(1)).values().collect());
        results.sort(Comparator.comparingInt(RankResult::rank));
        Path dir = Path.of(plan.checkpointDir());
        return new SparkFit(Checkpoint.load(dir).history(), dir, List.copyOf(results));
    }

    /**
     * Starts a Spark context, {@link #fit}s, and stops it: for a command line. {@code master} is Spark's (a plain
     * {@code local[N]} is run as {@code local[N, 4]}, so that a failed task restarts the stage up to three times
     * as on a cluster), or null to take the one spark-submit gives.
     */
    public SparkFit run(String master, String appName) throws IOException {
        SparkConf conf = new SparkConf().setAppName(appName).setIfMissing("spark.log.level", "WARN");
        if (master != null) {
            conf.setMaster(master.matches("local\\[[0-9*]+]") ? master.replace("]", ", 4]") : master);
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            return fit(sc);
        }
    }

    /** The settings of a run; {@link #checkpointDir} is required. */
    public static final class Builder {
        private final TrainingJob job;
        private int workers = 2;
        private int epochs = 1;
        private int batchSize = 64;
        private long seed = 1;
        private Path checkpointDir;
        private Duration peerTimeout = Duration.ofMinutes(2);

        private Builder(TrainingJob job) {
            if (job == null) {
                throw new IllegalArgumentException("SparkTrainer: job is null");
            }
            this.job = job;
        }

        /** Ranks, one barrier task each: the cluster needs this many free task slots at once (default 2). */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Epochs in all, a resumed run's included (default 1). */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Samples per rank per step (default 64): the global batch is {@code batchSize * workers}. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Seed of the initialisation and the shuffling (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A folder every executor and the driver see (a shared file system), for rank 0's checkpoints. */
        public Builder checkpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /** How long a rank waits for a peer before it fails the stage, naming that peer (default 2 minutes). */
        public Builder peerTimeout(Duration timeout) {
            this.peerTimeout = timeout;
            return this;
        }

        public SparkTrainer build() {
            if (workers < 1 || epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("SparkTrainer: workers, epochs and batch size must be >= 1, got "
                        + workers + ", " + epochs + ", " + batchSize);
            }
            if (checkpointDir == null) {
                throw new IllegalArgumentException("SparkTrainer: a checkpoint folder is required (a restarted "
                        + "stage resumes from it)");
            }
            if (peerTimeout.toMillis() < 1 || peerTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("SparkTrainer: peer timeout must be within 1 ms and 24 days, got "
                        + peerTimeout);
            }
            Plan plan = new Plan(epochs, batchSize, seed, checkpointDir.toAbsolutePath().toString(), peerTimeout.toMillis());
            return new SparkTrainer(job, workers, plan);
        }
    }
}
