package dev.minibatch.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minibatch.Fuzzing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Any file given to the IDX reader, as labels (rank 1) or images (rank 3), loads or is refused with a
 * {@link DatasetFormatException}. Seeds: {@code IdxFuzzTestInputs/anyFileLoadsOrIsRefused/}.
 */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyFileLoadsOrIsRefused(byte[] input) throws IOException {
        Path file = Fuzzing.write(input);
        long content = Fuzzing.contentLength(input);
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, content, () -> Idx.read(file, 1, "labels"));
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, content, () -> Idx.read(file, 3, "images"));
    }
}
