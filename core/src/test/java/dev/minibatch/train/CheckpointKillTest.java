package dev.minibatch.train;

import dev.minibatch.io.Safetensors;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Killing the process (SIGKILL) while it writes a checkpoint never leaves a broken checkpoint. */
@Timeout(120)
class CheckpointKillTest {
    /** 16 MB per checkpoint: large enough that a write takes a while. */
    private static final int FLOATS = 4 << 20;

    @TempDir
    Path dir;

    private Process start(Path file, String mode) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "--add-modules=jdk.incubator.vector", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CheckpointWriterProcess.class.getName(),
                file.toString(), mode, Integer.toString(FLOATS))
                .redirectError(dir.resolve("child-stderr.txt").toFile())
                .start();
    }

    private void awaitLine(Process child, BufferedReader out, String expected) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals(expected)) {
                return;
            }
        }
        child.destroyForcibly();
        fail("the child exited before printing '" + expected + "': "
                + Files.readString(dir.resolve("child-stderr.txt")));
    }

    private static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        child.waitFor();
    }

    /** Loads the checkpoint and checks that it is one complete version: every value equals its version. */
    private static int completeVersion(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.load(file);
        String version = c.metadata().get("version");
        assertNotNull(version, "metadata " + c.metadata());
        float v = Integer.parseInt(version);
        int total = 0;
        for (Tensor t : c.tensors().values()) {
            for (float x : t.storage()) {
                if (x != v) {
                    fail("checkpoint of version " + version + " holds the value " + x);
                }
            }
            total += t.numel();
        }
        assertEquals(FLOATS, total);
        return (int) v;
    }

    private List<String> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void killWhileWritingLeavesThePreviousCheckpoint() throws Exception {
        Path file = dir.resolve("checkpoint.safetensors");
        Process child = start(file, "halfway");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            awaitLine(child, out, "halfway 2");
            kill(child);
        }
        assertEquals(1, completeVersion(file));
        assertEquals(1, temporaryFiles().size(), "the half-written version 2 was in a temporary file");
    }

    @Test
    void killAtRandomMomentsLeavesACompleteCheckpoint() throws Exception {
        Random random = new Random(5);
        for (int round = 0; round < 3; round++) {
            Path file = dir.resolve("round" + round + ".safetensors");
            Process child = start(file, "loop");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                awaitLine(child, out, "saved 2");
                Thread.sleep(random.nextInt(40));
                kill(child);
            }
            assertTrue(completeVersion(file) >= 2);
        }
    }
}
