package dev.minibatch.train;

import dev.minibatch.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Logs one line per epoch (epoch, train_loss, valid_loss, valid_acc, seconds) as CSV (a {@code .csv} file)
 * or JSON lines (a {@code .jsonl} file). Each line is appended and flushed when its epoch ends, so the log
 * can be followed while training runs. At the start of a run the file is rewritten with the epochs done
 * before it, so a resumed run's log holds every epoch exactly once.
 */
public final class MetricsLogCallback implements Callback {
    static final String CSV_HEADER = "epoch,train_loss,valid_loss,valid_acc,seconds";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final boolean csv;

    /** A log in {@code file}, whose name must end in {@code .csv} or {@code .jsonl}. */
    public MetricsLogCallback(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".csv") && !name.endsWith(".jsonl")) {
            throw new IllegalArgumentException("metrics log " + file + ": the name must end in .csv or .jsonl");
        }
        this.file = file;
        this.csv = name.endsWith(".csv");
    }

    @Override
    public void onFitStart(History previous, int lastEpoch) {
        StringBuilder text = new StringBuilder(csv ? CSV_HEADER + "\n" : "");
        previous.epochs().forEach(r -> text.append(line(r)));
        try {
            AtomicFiles.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onEpochEnd(EpochResult result) {
        try {
            Files.write(file, line(result).getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    String line(EpochResult r) {
        if (csv) {
            return r.epoch() + "," + number(r.trainLoss()) + "," + number(r.validLoss()) + ","
                    + number(r.validAccuracy()) + "," + number(r.seconds()) + "\n";
        }
        ObjectNode row = JSON.createObjectNode().put("epoch", r.epoch());
        put(row, "train_loss", r.trainLoss());
        put(row, "valid_loss", r.validLoss());
        put(row, "valid_acc", r.validAccuracy());
        put(row, "seconds", r.seconds());
        return row + "\n";
    }

    /** Values carry float precision, which is what training computes in; NaN stays NaN (pandas reads it). */
    private static String number(double x) {
        return Float.toString((float) x);
    }

    /** JSON has no NaN or infinity: those are written as null. */
    private static void put(ObjectNode row, String key, double x) {
        if (Double.isFinite(x)) {
            row.put(key, (float) x);
        } else {
            row.putNull(key);
        }
    }
}
