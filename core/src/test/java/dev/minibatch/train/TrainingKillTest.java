package dev.minibatch.train;

import dev.minibatch.io.Safetensors;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Training killed with SIGKILL at random moments, ten times (or {@code -Dkills=N}: bench/kill-test.sh runs
 * a hundred): after each kill the newest checkpoint loads, and resuming from it (model, optimizer, one-cycle
 * schedule, generators, history) reaches, bit for bit, the parameters of a run that was never interrupted.
 */
@Timeout(3600)
class TrainingKillTest {
    private static final int KILLS = Integer.getInteger("kills", 10);
    private static Map<String, Tensor> uninterrupted;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainWithoutFaults(@TempDir Path clean) throws IOException {
        TrainingProcess run = new TrainingProcess();
        History h = run.resume(clean, run.checkpoints(clean));
        assertEquals(TrainingProcess.EPOCHS, h.lastEpoch());
        uninterrupted = run.model.stateDict();
    }

    /** Reads the child's report up to {@code line}; false if it ended first. */
    private static boolean awaitLine(BufferedReader out, String line) throws IOException {
        for (String l = out.readLine(); l != null; l = out.readLine()) {
            if (l.equals(line)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void killedAtRandomMomentsTheNewestCheckpointLoadsAndResumingReachesTheSameParameters() throws Exception {
        Random random = new Random(Long.getLong("kills.seed", 2024));
        for (int kill = 0; kill < KILLS; kill++) {
            Path checkpoints = dir.resolve("run" + kill);
            Path stderr = dir.resolve("stderr" + kill + ".txt");
            // After "epoch k" the child trains epoch k + 1 and then writes its checkpoint: a delay of up
            // to 30 ms lands in either. An epoch takes about 10 ms, so 10 epochs left outlast the delay.
            int afterEpoch = random.nextInt(TrainingProcess.EPOCHS - 10);
            int delayMillis = random.nextInt(30);
            Process child = TrainingProcess.start(checkpoints, stderr);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line = afterEpoch == 0 ? "started" : "epoch " + afterEpoch;
                if (!awaitLine(out, line)) {
                    fail("the child ended before '" + line + "': " + Files.readString(stderr));
                }
                Thread.sleep(delayMillis);
                child.destroyForcibly();
                child.waitFor();
            }
            assertEquals(137, child.exitValue(), "killed by SIGKILL, not finished: kill " + kill);
            int epoch = checkAndResume(checkpoints);
            assertTrue(epoch >= afterEpoch, "checkpoint of epoch " + epoch + " after the child reported " + afterEpoch);
        }
    }

    /** Loads the newest checkpoint, resumes to the end and compares; the epoch it resumed from. */
    private static int checkAndResume(Path checkpoints) throws IOException {
        int epoch = 0;
        if (Files.exists(checkpoints.resolve(Checkpoint.STATE_FILE))) {
            epoch = Checkpoint.load(checkpoints).epoch();
            Safetensors.load(checkpoints.resolve(Checkpoint.MODEL_FILE));
        }
        try (Stream<Path> files = Files.list(checkpoints)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertTrue(name.equals(Checkpoint.STATE_FILE) || name.equals(Checkpoint.MODEL_FILE)
                        || name.endsWith(".tmp"), "only the checkpoint and a temporary file cut short: " + name);
            }
        }
        TrainingProcess resumed = new TrainingProcess();
        History h = resumed.resume(checkpoints, resumed.checkpoints(checkpoints));
        assertEquals(TrainingProcess.EPOCHS, h.lastEpoch());
        Map<String, Tensor> params = resumed.model.stateDict();
        for (String name : uninterrupted.keySet()) {
            assertArrayEquals(uninterrupted.get(name).toFloatArray(), params.get(name).toFloatArray(),
                    name + " after resuming from epoch " + epoch);
        }
        return epoch;
    }
}
