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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel training in one barrier stage on Spark's local mode, 2 and 4 ranks. */
class SparkTrainerTest {
    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        // local[4, 4]: four task slots, and a failed task may be retried (plain local[4] allows no failure).
        sc = new JavaSparkContext(new SparkConf().setMaster("local[4, 4]").setAppName("SparkTrainerTest")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stopSpark() {
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
        for (int workers : new int[] {2, 4}) {
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
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
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
        SparkTrainer.SparkFit first = fit(job, 4, 3, 10, "first");
        SparkTrainer.SparkFit second = fit(job, 4, 3, 10, "second");
        String digest = first.ranks().get(0).parameterDigest();
        assertEquals(4, first.ranks().size());
        first.ranks().forEach(r -> assertEquals(digest, r.parameterDigest(), "rank " + r.rank()));
        second.ranks().forEach(r -> assertEquals(digest, r.parameterDigest(), "second run, rank " + r.rank()));
        assertEquals(3, first.history().lastEpoch());
        assertEquals(15, first.ranks().get(0).steps(), "200 samples: 50 per rank, 5 batches of 10, 3 epochs");

        job.failInEpoch = 2;
        SparkTrainer.SparkFit failed = fit(job, 4, 3, 10, "failed");
        failed.ranks().forEach(r -> {
            assertEquals(1, r.stageAttempt(), "the stage ran again");
            assertEquals(1, r.resumedAfter(), "from the checkpoint of epoch 1");
            assertEquals(digest, r.parameterDigest(), "rank " + r.rank() + " after the restart");
        });
        assertEquals(first.history().epochs().stream().map(e -> e.validLoss()).toList(),
                failed.history().epochs().stream().map(e -> e.validLoss()).toList());
    }

    @Test
    void ranksThatWouldTrainDifferentModelsAreRefusedBeforeTheFirstStep() {
        TinyJob job = new TinyJob(40, 0.1f);
        job.rankOneHidden = 12;
        SparkException e = assertThrows(SparkException.class, () -> fit(job, 2, 1, 10, "mismatch"));
        String message = e.getMessage();
        assertTrue(message.contains("rank 1 would train another run than rank 0"), message);
        assertTrue(message.contains("parameter 0.weight: [16, 8] on rank 0, [12, 8] on rank 1"), message);
    }
}
