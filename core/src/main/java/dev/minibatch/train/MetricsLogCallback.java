package dev.minibatch.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minibatch.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Logs one line per epoch (epoch, train_loss, valid_loss, each metric by name, seconds) as CSV (a
 * {@code .csv} file) or JSON lines (a {@code .jsonl} file). Each line is appended and flushed when its
 * epoch ends, so the log can be followed while training runs. At the start of a run the file is rewritten
 * with the epochs done before it, so a resumed run's log holds every epoch exactly once. A CSV file's header
 * is written with its first line, once the metrics' names are known.
 */
public final class MetricsLogCallback implements Callback {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final boolean csv;
    private boolean headerWritten;

    /** A log in {@code file}, whose name must end in {@code .csv} or {@code .jsonl}. */
    public MetricsLogCallback(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".csv") && !name.endsWith(".jsonl")) {
            throw new IllegalArgumentException("metrics log " + file + ": the name must end in .csv or .jsonl");
        }
        this.file = file;
        this.csv = name.endsWith(".csv");
    }

    /** The CSV header for an epoch's values: {@code epoch,train_loss,valid_loss,accuracy,seconds}. */
    static String csvHeader(EpochResult r) {
        List<String> columns = new ArrayList<>(List.of("epoch", "train_loss", "valid_loss"));
        columns.addAll(r.metrics().keySet());
        columns.add("seconds");
        return String.join(",", columns) + "\n";
    }

    @Override
    public void beforeFit(Learner learner) {
        StringBuilder text = new StringBuilder();
        List<EpochResult> previous = learner.history().epochs();
        headerWritten = csv && !previous.isEmpty();
        if (headerWritten) {
            text.append(csvHeader(previous.get(0)));
        }
        previous.forEach(r -> text.append(line(r)));
        try {
            AtomicFiles.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEpoch(Learner learner) {
        EpochResult result = learner.history().last().orElseThrow();
        String text = line(result);
        if (csv && !headerWritten) {
            text = csvHeader(result) + text;
            headerWritten = true;
        }
        try {
            Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    String line(EpochResult r) {
        if (csv) {
            StringBuilder s = new StringBuilder().append(r.epoch()).append(',').append(number(r.trainLoss()))
                    .append(',').append(number(r.validLoss()));
            r.metrics().values().forEach(v -> s.append(',').append(number(v)));
            return s.append(',').append(number(r.seconds())).append('\n').toString();
        }
        ObjectNode row = JSON.createObjectNode().put("epoch", r.epoch());
        put(row, "train_loss", r.trainLoss());
        put(row, "valid_loss", r.validLoss());
        r.metrics().forEach((name, v) -> put(row, name, v));
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
