package dev.minibatch.datasets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minibatch.Fuzzing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Any gzip file given to the IDX and pickle readers loads or is refused with a
 * {@link DatasetFormatException}. An input that starts with the gzip magic bytes is the file itself, so
 * that the fuzzer reaches corrupt streams, headers and checksums; any other input is the content, gzip'd
 * here, so that it reaches the readers through a stream whose length is unknown until it ends.
 * Seeds: {@code GzipFuzzTestInputs/anyGzipFileLoadsOrIsRefused/}.
 */
class GzipFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyGzipFileLoadsOrIsRefused(byte[] input) throws IOException {
        byte[] bytes = Fuzzing.isGzip(input) ? input : Fuzzing.gzip(input);
        Path file = Fuzzing.write(bytes);
        long content = Fuzzing.contentLength(bytes);
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, content, () -> Idx.read(file, 1, "labels"));
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, content, () -> Idx.read(file, 3, "images"));
        Fuzzing.loadsOrRefuses(DatasetFormatException.class, content, () -> MnistPickle.load(file));
    }
}
