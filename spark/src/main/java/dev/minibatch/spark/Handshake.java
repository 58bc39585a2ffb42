package dev.minibatch.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a rank is about to train, as text, and the check that every rank agrees with rank 0 before the first
 * step: the number of ranks, the model's printout and parameter shapes, the optimizer's settings, the data's
 * sizes, the batch size, seed and epochs, the checkpoint it resumes and the job's settings. Ranks that
 * disagree would average gradients of different models, or of different steps.
 */
final class Handshake {
    private static final String SEPARATOR = "\u0000";

    private Handshake() {
    }

    /** The description as one string (keys and values, separated by NULs, which no setting holds). */
    static String encode(Map<String, String> description) {
        StringBuilder sb = new StringBuilder();
        description.forEach((k, v) -> sb.append(k).append(SEPARATOR).append(v).append(SEPARATOR));
        return sb.toString();
    }

    static Map<String, String> decode(String text) {
        String[] parts = text.split(SEPARATOR, -1);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            out.put(parts[i], parts[i + 1]);
        }
        return out;
    }

    /**
     * Refuses, on every rank alike, a set of ranks that do not all describe rank 0's run: the message names
     * the first rank that differs and each setting in which it does, with both values.
     */
    static void check(List<Map<String, String>> descriptions) {
        Map<String, String> first = descriptions.get(0);
        for (int r = 1; r < descriptions.size(); r++) {
            Map<String, String> other = descriptions.get(r);
            List<String> differences = new ArrayList<>();
            TreeSet<String> keys = new TreeSet<>(first.keySet());
            keys.addAll(other.keySet());
            for (String k : keys) {
                if (!Objects.equals(first.get(k), other.get(k))) {
                    differences.add(k + ": " + first.get(k) + " on rank 0, " + other.get(k) + " on rank " + r);
                }
            }
            if (!differences.isEmpty()) {
                throw new IllegalStateException("rank " + r + " would train another run than rank 0, so training "
                        + "was refused before the first step: " + String.join("; ", differences));
            }
        }
    }
}
