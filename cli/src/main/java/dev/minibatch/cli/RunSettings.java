package dev.minibatch.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What a run records in its checkpoint and model file: each setting by its key ({@code batch_size} for the
 * option {@code --batch-size}), with its value as the option takes it and a way to set it back. A resumed
 * run takes the recorded values of the options it was not given, and refuses a given one that contradicts
 * the record; a new option is one more {@link #add} line where its owner lists its settings.
 */
final class RunSettings {
    /** The value recorded for an option that was not set (no clipping, no early stopping). */
    static final String NONE = "none";

    private record Setting(String value, Consumer<String> set, boolean fixed) {
    }

    private final Map<String, Setting> settings = new LinkedHashMap<>();

    /** A setting that a resumed run must keep. */
    RunSettings add(String key, Object value, Consumer<String> set) {
        return add(key, value, set, true);
    }

    /** A setting that a resumed run keeps unless given another value, when {@code fixed} is false. */
    RunSettings add(String key, Object value, Consumer<String> set, boolean fixed) {
        settings.put(key, new Setting(text(value), set, fixed));
        return this;
    }

    /** The key's option on the command line. */
    static String option(String key) {
        return "--" + key.replace('_', '-');
    }

    /** The values as a checkpoint or model file stores them. */
    Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, s) -> out.put(key, s.value()));
        return out;
    }

    /** Sets the key's option from its recorded text, unless the command line gave it; unknown keys are skipped. */
    void applyUnlessGiven(Map<String, String> recorded, CommandSpec spec) {
        recorded.forEach((key, value) -> {
            Setting s = settings.get(key);
            if (s != null && !given(spec, key)) {
                s.set().accept(value);
            }
        });
    }

    /** Refuses (a bad option, exit status 2) a given option that contradicts a recorded setting that is fixed. */
    void checkAgainst(Map<String, String> recorded, String source, CommandSpec spec) {
        recorded.forEach((key, value) -> {
            Setting s = settings.get(key);
            if (s != null && s.fixed() && given(spec, key) && !s.value().equals(value)) {
                throw new ParameterException(spec.commandLine(), option(key) + " " + s.value() + " contradicts "
                        + source + "'s " + option(key) + " " + value + " (leave the option out to keep it)");
            }
        });
    }

    private static boolean given(CommandSpec spec, String key) {
        return spec.commandLine().getParseResult().hasMatchedOption(option(key));
    }

    private static String text(Object value) {
        if (value == null) {
            return NONE;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    /** An optional number's recorded text back: null for {@link #NONE}. */
    static Float optionalFloat(String text) {
        return text.equals(NONE) ? null : Float.valueOf(text);
    }

    static Integer optionalInt(String text) {
        return text.equals(NONE) ? null : Integer.valueOf(text);
    }

    static List<Integer> ints(String text) {
        return List.of(text.split(",")).stream().map(s -> Integer.valueOf(s.strip())).toList();
    }

    static List<Float> floats(String text) {
        return List.of(text.split(",")).stream().map(s -> Float.valueOf(s.strip())).toList();
    }
}
