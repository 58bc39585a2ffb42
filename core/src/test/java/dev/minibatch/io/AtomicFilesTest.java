package dev.minibatch.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheFileWithTheNewContents() throws IOException {
        Path target = dir.resolve("log.txt");
        AtomicFiles.writeString(target, "old");
        AtomicFiles.writeString(target, "new contents");
        assertEquals("new contents", Files.readString(target));
        assertEquals(List.of("log.txt"), listing());
    }

    @Test
    void writerFailingMidwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.writeString(target, "the previous checkpoint");
        byte[] half = new byte[100_000];
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(half);
            throw new IOException("simulated failure after " + half.length + " bytes");
        }));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("simulated failure"), e.getMessage());
        assertEquals("the previous checkpoint", Files.readString(target));
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void uncheckedFailureAlsoLeavesTheOldFile() throws IOException {
        Path target = dir.resolve("plot.png");
        AtomicFiles.writeString(target, "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("encoder bug");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("plot.png"), listing());
    }

    @Test
    void bodyMayCloseItsStream() throws IOException {
        Path target = dir.resolve("closed.txt");
        AtomicFiles.write(target, out -> {
            out.write('a');
            out.close();
        });
        assertEquals("a", Files.readString(target));
    }

    @Test
    void missingDirectoryIsNamedInTheError() {
        Path target = dir.resolve("no-such-dir").resolve("checkpoint.safetensors");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no such file or directory"), e.getMessage());
    }

    @Test
    void parentThatIsAFileIsNamedInTheError() throws IOException {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        Path target = notADir.resolve("checkpoint.safetensors");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    }

    /** Root ignores directory permissions, so this runs only for an ordinary user. */
    @Test
    void readOnlyDirectoryIsNamedInTheError() throws IOException {
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(readOnly), "running as root: permissions are not enforced");
            Path target = readOnly.resolve("metrics.csv");
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
            assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
