package dev.minibatch.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minibatch.Fuzzing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Any file given to the pickle reader loads as the lesson's MNIST splits or is refused with a
 * {@link DatasetFormatException}: no global outside numpy's array calls is ever resolved, and no input
 * makes the restricted unpickler fail in another way. Seeds: {@code PickleFuzzTestInputs/anyPickleLoadsOrIsRefused/}.
 */
class PickleFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyPickleLoadsOrIsRefused(byte[] input) throws IOException {
        Path file = Fuzzing.write(input);
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, Fuzzing.contentLength(input),
                () -> MnistPickle.load(file));
    }
}
