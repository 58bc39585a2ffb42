package dev.minibatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plain clone has no ../shared: the tests that need it are skipped, saying why, instead of failing. */
class FixturesTest {
    @Test
    void anAbsentSharedFolderSkipsTheTestThatAsksForIt(@TempDir Path dir) throws Exception {
        Path shared = dir.resolve("shared");
        var e = assertThrows(TestAbortedException.class, () -> Fixtures.present(shared));
        assertTrue(e.getMessage().contains("../shared (PyTorch's reference values and MNIST), is absent: " + shared),
                e.getMessage());
        Files.createDirectories(shared.resolve("fixtures"));
        assertEquals(shared, Fixtures.present(shared));
    }
}
