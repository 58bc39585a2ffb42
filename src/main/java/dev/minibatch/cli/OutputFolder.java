package dev.minibatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes sure the output folder can be written before any work starts, not at the first checkpoint. */
final class OutputFolder {
    private OutputFolder() {
    }

    static void prepare(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write to the output folder " + dir + ": " + e, e);
        }
    }
}
