package dev.minibatch.train;

import dev.minibatch.io.Safetensors;
import dev.minibatch.io.SafetensorsFormatException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.LRScheduler;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A training checkpoint: a directory holding two safetensors files, each written atomically.
 * <ul>
 * <li>{@value #MODEL_FILE}: the model's state dict under PyTorch's names ({@code 0.weight}, {@code 0.bias}, ...)
 * and nothing else, so that PyTorch loads it with
 * {@code model.load_state_dict(safetensors.torch.load_file("model.safetensors"))}.</li>
 * <li>{@value #STATE_FILE}: everything needed to resume: the model ({@code model.<name>}), the optimizer's
 * state dict ({@code optimizer.<key>}), the LR scheduler's if there is one ({@code scheduler.<key>}), and in
 * the metadata the epoch, the history (losses and metrics by name), the shuffle generator's and the default
 * generator's states, and the caller's settings.</li>
 * </ul>
 * Resuming reads only {@value #STATE_FILE}, so a crash between writing the two files can never pair the
 * weights of one epoch with the optimizer state of another.
 */
public final class Checkpoint {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String STATE_FILE = "checkpoint.safetensors";
    static final String FORMAT = "minibatch-checkpoint-2";
    /** Version 1 held no scheduler, accuracy as {@code valid_acc}, and one optimizer group's flat keys. */
    static final String FORMAT_1 = "minibatch-checkpoint-1";
    private static final String MODEL = "model.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String SCHEDULER = "scheduler.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Tensor> tensors;
    private final long[] generatorState;
    private final long[] defaultGeneratorState;
    private final History history;
    private final Map<String, String> settings;

    private Checkpoint(Path file, Map<String, Tensor> tensors, long[] generatorState, long[] defaultGeneratorState,
            History history, Map<String, String> settings) {
        this.file = file;
        this.tensors = tensors;
        this.generatorState = generatorState;
        this.defaultGeneratorState = defaultGeneratorState;
        this.history = history;
        this.settings = settings;
    }

    /**
     * Saves the state after the last epoch of {@code history} into {@code dir} (created if missing).
     *
     * @param generator the training loader's shuffle generator ({@link DataLoaders#generator()})
     * @param settings  anything the caller needs to rebuild the run (model shape, learning rate, ...)
     */
    public static void save(Path dir, Module model, Optimizer optimizer, Generator generator, History history,
            Map<String, String> settings) throws IOException {
        save(dir, model, optimizer, null, generator, history, settings);
    }

    /** As {@link #save(Path, Module, Optimizer, Generator, History, Map)}, with a scheduler's state (may be null). */
    public static void save(Path dir, Module model, Optimizer optimizer, LRScheduler scheduler, Generator generator,
            History history, Map<String, String> settings) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> weights = model.stateDict();
        String epoch = Integer.toString(history.lastEpoch());
        Map<String, String> modelMetadata = new LinkedHashMap<>(settings); // so that the model file alone is enough
        modelMetadata.put("format", "pt");
        modelMetadata.put("epoch", epoch);
        Safetensors.save(dir.resolve(MODEL_FILE), weights, modelMetadata);

        Map<String, Tensor> state = new LinkedHashMap<>();
        weights.forEach((name, t) -> state.put(MODEL + name, t));
        optimizer.stateDict().forEach((name, t) -> state.put(OPTIMIZER + name, t));
        if (scheduler != null) {
            scheduler.stateDict().forEach((name, t) -> state.put(SCHEDULER + name, t));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("epoch", epoch);
        metadata.put("generator", longs(generator.getState()));
        metadata.put("default_generator", longs(Minibatch.defaultGenerator().getState()));
        metadata.put("history", historyJson(history));
        metadata.put("settings", JSON.writeValueAsString(settings));
        Safetensors.save(dir.resolve(STATE_FILE), state, metadata);
    }

    /** Reads {@value #STATE_FILE} from {@code dir}; a damaged or foreign file throws {@link SafetensorsFormatException}. */
    public static Checkpoint load(Path dir) throws IOException {
        Path file = dir.resolve(STATE_FILE);
        Safetensors.Contents contents = Safetensors.load(file);
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get("format")) && !FORMAT_1.equals(meta.get("format"))) {
            throw new SafetensorsFormatException(file.toString(), -1, "not a Minibatch checkpoint: its format is "
                    + meta.get("format") + ", expected " + FORMAT);
        }
        History history = history(file, required(file, meta, "history"));
        String epoch = required(file, meta, "epoch");
        if (!epoch.equals(Integer.toString(history.lastEpoch()))) {
            throw new SafetensorsFormatException(file.toString(), -1, "epoch " + epoch + " does not match its history of "
                    + history.lastEpoch() + " epochs");
        }
        return new Checkpoint(file, contents.tensors(), generatorState(file, meta, "generator"),
                generatorState(file, meta, "default_generator"), history, settings(file, required(file, meta, "settings")));
    }

    /** The last epoch completed before the checkpoint was written. */
    public int epoch() {
        return history.lastEpoch();
    }

    public History history() {
        return history;
    }

    public Map<String, String> settings() {
        return settings;
    }

    /**
     * Puts the model's parameters, the optimizer's state and both generators back as they were when the
     * checkpoint was saved, so that training continues exactly as if it had not stopped. The model and
     * optimizer must be built as they were for the saved run; if not, the exception lists the differences.
     */
    public void restore(Module model, Optimizer optimizer, Generator generator) {
        restore(model, optimizer, null, generator);
    }

    /**
     * As {@link #restore(Module, Optimizer, Generator)}, and the scheduler's state too: a checkpoint with a
     * scheduler's state needs a scheduler to restore it into, and a scheduler needs a checkpoint that has one.
     */
    public void restore(Module model, Optimizer optimizer, LRScheduler scheduler, Generator generator) {
        Map<String, Tensor> schedulerState = withPrefix(SCHEDULER);
        if (scheduler == null && !schedulerState.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + file + " was written by a run with a learning-rate "
                    + "schedule: resume it with the same schedule");
        }
        if (scheduler != null && schedulerState.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + file + " was written by a run without a learning-rate "
                    + "schedule, so it cannot continue one");
        }
        try {
            model.loadStateDict(withPrefix(MODEL));
            optimizer.loadStateDict(withPrefix(OPTIMIZER));
            if (scheduler != null) {
                scheduler.loadStateDict(schedulerState);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + file + " does not fit this model, optimizer and "
                    + "schedule: " + e.getMessage(), e);
        }
        generator.setState(generatorState);
        Minibatch.defaultGenerator().setState(defaultGeneratorState);
    }

    private Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return out;
    }

    // ---- metadata encoding ------------------------------------------------------------------------

    private static String longs(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    private static String required(Path file, Map<String, String> meta, String key) throws SafetensorsFormatException {
        String value = meta.get(key);
        if (value == null) {
            throw new SafetensorsFormatException(file.toString(), -1, "the metadata has no '" + key + "'");
        }
        return value;
    }

    private static long[] generatorState(Path file, Map<String, String> meta, String key)
            throws SafetensorsFormatException {
        String value = required(file, meta, key);
        try {
            long[] state = Arrays.stream(value.split(",")).mapToLong(Long::parseLong).toArray();
            new Generator(0).setState(state);
            return state;
        } catch (IllegalArgumentException e) {
            throw new SafetensorsFormatException(file.toString(), -1, "metadata '" + key + "' is not a generator state: "
                    + e.getMessage());
        }
    }

    private static String historyJson(History history) {
        ArrayNode epochs = JSON.createArrayNode();
        for (EpochResult r : history.epochs()) {
            ObjectNode e = epochs.addObject().put("epoch", r.epoch()).put("train_loss", r.trainLoss())
                    .put("valid_loss", r.validLoss());
            ObjectNode metrics = e.putObject("metrics");
            r.metrics().forEach(metrics::put);
            e.put("seconds", r.seconds());
        }
        return epochs.toString();
    }

    /** Version 1 checkpoints held accuracy alone, as {@code valid_acc}; it is read as the metric {@code accuracy}. */
    private static History history(Path file, String json) throws SafetensorsFormatException {
        try {
            List<EpochResult> epochs = new ArrayList<>();
            for (JsonNode e : JSON.readTree(json)) {
                Map<String, Double> metrics = new LinkedHashMap<>();
                if (e.has("valid_acc")) {
                    metrics.put("accuracy", e.get("valid_acc").asDouble());
                }
                e.path("metrics").fields().forEachRemaining(m -> metrics.put(m.getKey(), m.getValue().asDouble()));
                epochs.add(new EpochResult(e.get("epoch").intValue(), e.get("train_loss").asDouble(),
                        e.get("valid_loss").asDouble(), metrics, e.get("seconds").asDouble()));
            }
            return History.of(epochs);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SafetensorsFormatException(file.toString(), -1, "metadata 'history' is not a list of epochs: "
                    + e.getMessage());
        }
    }

    private static Map<String, String> settings(Path file, String json) throws SafetensorsFormatException {
        try {
            Map<String, String> out = new LinkedHashMap<>();
            JSON.readTree(json).fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
            return out;
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(file.toString(), -1, "metadata 'settings' is not a JSON object: "
                    + e.getOriginalMessage());
        }
    }
}
