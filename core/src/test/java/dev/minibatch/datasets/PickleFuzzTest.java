package dev.minibatch.datasets;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
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
    @DictionaryEntries({"numpy.core.multiarray", "numpy._core.multiarray", "_reconstruct", "numpy", "ndarray",
        "dtype", "_codecs", "encode", "latin1", "<f4", "f8", "i8", "u1", "os", "system", "builtins", "eval"})
    @FuzzTest(maxDuration = "60s")
    void anyPickleLoadsOrIsRefused(byte[] input) throws IOException {
        Path file = Fuzzing.write(input);
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, Fuzzing.contentLength(input),
                () -> MnistPickle.load(file));
    }
}
