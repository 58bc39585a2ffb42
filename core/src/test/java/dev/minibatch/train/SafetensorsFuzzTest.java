package dev.minibatch.train;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minibatch.Fuzzing;
import dev.minibatch.io.Safetensors;
import dev.minibatch.io.SafetensorsFormatException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Any safetensors file, read from memory, from disk or as a checkpoint (whose metadata holds a history,
 * generator states and settings), loads or is refused with a {@link SafetensorsFormatException}.
 * Seeds: {@code SafetensorsFuzzTestInputs/anyFileLoadsOrIsRefused/}.
 */
class SafetensorsFuzzTest {
    @DictionaryEntries({"\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"I32\"",
        "\"format\"", "\"epoch\"", "\"history\"", "\"generator\"", "\"default_generator\"", "\"settings\"",
        "minibatch-checkpoint-1", "minibatch-checkpoint-2", "\"metrics\"", "\"accuracy\"", "\"train_loss\"", "\"valid_loss\"", "\"valid_acc\"", "\"seconds\""})
    @FuzzTest(maxDuration = "60s")
    void anyFileLoadsOrIsRefused(byte[] input) throws IOException {
        Path file = Fuzzing.write(input, Checkpoint.STATE_FILE);
        Fuzzing.loadsOrRefuses(SafetensorsFormatException.class, input.length, () -> Safetensors.parse(input, "fuzz"));
        Fuzzing.loadsOrRefuses(SafetensorsFormatException.class, input.length, () -> Safetensors.load(file));
        Fuzzing.loadsOrRefuses(SafetensorsFormatException.class, input.length, () -> Checkpoint.load(file.getParent()));
    }
}
