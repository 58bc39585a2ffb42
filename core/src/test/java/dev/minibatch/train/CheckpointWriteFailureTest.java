package dev.minibatch.train;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A checkpoint folder that cannot be written fails training before its first epoch; a write that fails
 * later, as on a full disk, fails training at that write and leaves the previous checkpoint whole.
 *
 * <p>Tests often run as root, whom file permissions do not stop. So the read-only folder is made
 * immutable ({@code chattr +i}, which stops root too) when running as root, and read-only by its
 * permissions otherwise; a path through a regular file fails for everyone. The full disk is a file size
 * limit ({@code ulimit -f}) on a child JVM: writes past it fail with EFBIG ("File too large") as they
 * would with ENOSPC, through the same code, and it needs no privileges or special file system.
 */
class CheckpointWriteFailureTest {
    @TempDir
    Path dir;

    private final List<Path> immutable = new ArrayList<>();

    @AfterEach
    void makeMutableAgain() throws Exception {
        for (Path p : immutable) {
            new ProcessBuilder("chattr", "-i", p.toString()).start().waitFor();
        }
    }

    /** Fits the synthetic run with a checkpoint in {@code folder}; the epochs that started. */
    private static List<Integer> fitInto(Path folder) {
        TrainingProcess run = new TrainingProcess();
        List<Integer> started = new ArrayList<>();
        Callback count = new Callback() {
            @Override
            public void beforeEpoch(Learner learner) {
                started.add(learner.epoch());
            }
        };
        run.learner.addCallbacks(count, run.checkpoints(folder)).fit(1);
        return started;
    }

    private static void assertFailsBeforeTraining(Path folder, String reason) {
        List<Integer> started = new ArrayList<>();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> started.addAll(fitInto(folder)));
        assertTrue(e.getMessage().contains("cannot write to " + folder) && e.getMessage().contains(reason),
                e.getMessage());
        assertEquals(List.of(), started);
    }

    @Test
    void aPathThroughAFileFailsBeforeTheFirstEpoch() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "not a folder");
        assertFailsBeforeTraining(file.resolve("checkpoint"), "Not a directory");
    }

    @Test
    void aReadOnlyFolderFailsBeforeTheFirstEpoch() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(folder)) {
            assumeTrue(new ProcessBuilder("chattr", "+i", folder.toString()).start().waitFor() == 0,
                    "running as root, and chattr +i is not available here to make a folder read-only for root");
            immutable.add(folder);
        }
        assertFailsBeforeTraining(folder, folder.toString());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    @Timeout(120)
    void aFullDiskFailsAtTheWriteAndLeavesThePreviousCheckpoint() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for ulimit");
        Path folder = dir.resolve("checkpoint");
        fitInto(folder);
        byte[] state = Files.readAllBytes(folder.resolve(Checkpoint.STATE_FILE));
        byte[] model = Files.readAllBytes(folder.resolve(Checkpoint.MODEL_FILE));

        // 50 blocks (25 or 50 KB, by the shell's unit) take the one-byte probe but not the 77 KB model.
        Path stderr = dir.resolve("stderr.txt");
        Process child = TrainingProcess.start(folder, stderr, "/bin/sh", "-c", "ulimit -f 50 && exec \"$@\"", "sh");
        assertEquals(1, child.waitFor(), "the child failed");
        String error = Files.readString(stderr);
        assertTrue(error.contains("could not write " + folder.resolve(Checkpoint.MODEL_FILE))
                && error.contains("File too large"), error);

        assertArrayEquals(state, Files.readAllBytes(folder.resolve(Checkpoint.STATE_FILE)));
        assertArrayEquals(model, Files.readAllBytes(folder.resolve(Checkpoint.MODEL_FILE)));
        assertEquals(1, Checkpoint.load(folder).epoch());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(Checkpoint.STATE_FILE, Checkpoint.MODEL_FILE).stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }
}
