package dev.minibatch.spark;

import dev.minibatch.data.Batch;
import dev.minibatch.data.DistributedSampler;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.io.Safetensors;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Checkpoint;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training in one barrier stage on Spark's local mode, with as many ranks as task slots:
 * {@link SparkTrainerOnTwoSlotsTest} runs these tests on local[2], {@link SparkTrainerOnFourSlotsTest} on local[4].
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SparkTrainerTest {
    private final int workers;
    private JavaSparkContext sc;

    @TempDir
    Path dir;

    SparkTrainerTest(int workers) {
        this.workers = workers;
    }

    @BeforeAll
    void startSpark() {
        // local[N, 4]: N task slots, and a failed task may be retried (plain local[N] allows no failure).
        sc = new JavaSparkContext(new SparkConf().setMaster("local[" + workers + ", 4]")
                .setAppName(getClass().getSimpleName()).set("spark.ui.enabled", "false"));
    }

    @AfterAll
    void stopSpark() {
        sc.stop();
    }

    private SparkTrainer.SparkFit fit(TinyJob job, int workers, int epochs, int batchSize, String run) throws Exception {
        return SparkTrainer.builder(job).workers(workers).epochs(epochs).batchSize(batchSize).seed(7)
                .checkpointDir(dir.resolve(run)).build().fit(sc);
    }

    private static Map<String, Tensor> parameters(SparkTrainer.SparkFit fit) throws Exception {
        return Safetensors.load(fit.checkpoint().resolve(Checkpoint.MODEL_FILE)).tensors();
    }

    @Test
    void oneStepEqualsSingleProcessTrainingOnTheGlobalBatch() throws Exception {
        int batch = 8;
        TinyJob job = new TinyJob(batch * workers, 0.5f);
        Map<String, Tensor> spark = parameters(fit(job, workers, 1, batch, "one-step-" + workers));

        Minibatch.manualSeed(7);
        Module model = job.model();
        Map<String, Tensor> initial = copy(model.stateDict());
        Optimizer opt = job.optimizer(model);
        TensorDataset ds = job.trainData();
        int[] global = IntStream.range(0, workers)
                .flatMap(r -> epochOne(ds.size(), workers, r)).toArray();
        Batch b = ds.getBatch(global);
        Functional.crossEntropy(model.forward(b.x()), b.y()).backward();
        opt.step();
        model.stateDict().forEach((name, single) -> assertUpdateClose(name + " with " + workers + " workers",
                initial.get(name), single, spark.get(name)));
    }

    private static IntStream epochOne(int n, int workers, int rank) {
        DistributedSampler s = new DistributedSampler(n, workers, rank, true, 7, false);
        s.setEpoch(1);
        int[] mine = new int[s.size()];
        var it = s.iterator();
        for (int i = 0; i < mine.length; i++) {
            mine[i] = it.nextInt();
        }
        return Arrays.stream(mine);
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, t) -> out.put(k, Tensor.of(t.toFloatArray(), t.shape())));
        return out;
    }

    /** The step each took from the same start agrees within 1e-5 of the single process's largest step. */
    private static void assertUpdateClose(String what, Tensor start, Tensor single, Tensor spark) {
        float[] s0 = start.toFloatArray();
        float[] a = single.toFloatArray();
        float[] b = spark.toFloatArray();
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            largest = Math.max(largest, Math.abs(a[i] - s0[i]));
            worst = Math.max(worst, Math.abs((b[i] - s0[i]) - (a[i] - s0[i])));
        }
        assertTrue(largest > 0, what + ": the step changed nothing");
        assertTrue(worst <= 1e-5 * largest, what + ": steps differ by " + worst + ", the largest is " + largest);
    }

    @Test
    void ranksAndRunsEndWithTheSameBitsAndATaskKilledInEpochTwoResumesToThemToo() throws Exception {
        TinyJob job = new TinyJob(200, 0.1f);
        SparkTrainer.SparkFit first = fit(job, workers, 3, 10, "first");
        SparkTrainer.SparkFit second = fit(job, workers, 3, 10, "second");
        String digest = first.ranks().get(0).parameterDigest();
        assertEquals(workers, first.ranks().size());
        first.ranks().forEach(r -> assertEquals(digest, r.parameterDigest(), "rank " + r.rank()));
        second.ranks().forEach(r -> assertEquals(digest, r.parameterDigest(), "second run, rank " + r.rank()));
        assertEquals(3, first.history().lastEpoch());
        int batches = (200 / workers + 9) / 10;
        assertEquals(3 * batches, first.ranks().get(0).steps(), "200 samples in batches of 10 per rank, 3 epochs");

        job.failInEpoch = 2;
        SparkTrainer.SparkFit failed = fit(job, workers, 3, 10, "failed");
        failed.ranks().forEach(r -> {
            assertEquals(1, r.stageAttempt(), "the stage ran again");
            assertEquals(1, r.resumedAfter(), "from the checkpoint of epoch 1");
            assertEquals(digest, r.parameterDigest(), "rank " + r.rank() + " after the restart");
        });
        assertEquals(first.history().epochs().stream().map(e -> e.validLoss()).toList(),
                failed.history().epochs().stream().map(e -> e.validLoss()).toList());
    }

    @Test
    void aRunThatDivergesFailsTheStageSayingWhy() {
        SparkException e = assertThrows(SparkException.class, () -> fit(new TinyJob(40, 1e30f), workers, 1, 10, "nan"));
        assertTrue(e.getMessage().contains("stopped training"), e.getMessage());
    }

    @Test
    void ranksThatWouldTrainDifferentModelsAreRefusedBeforeTheFirstStep() {
        TinyJob job = new TinyJob(40, 0.1f);
        job.rankOneHidden = 12;
        SparkException e = assertThrows(SparkException.class, () -> fit(job, workers, 1, 10, "mismatch"));
        String message = e.getMessage();
        assertTrue(message.contains("rank 1 would train another run than rank 0"), message);
        assertTrue(message.contains("parameter 0.weight: [16, 8] on rank 0, [12, 8] on rank 1"), message);
    }
}
