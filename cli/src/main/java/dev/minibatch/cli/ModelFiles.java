package dev.minibatch.cli;

import dev.minibatch.nn.BatchNorm1d;
import dev.minibatch.nn.BatchNorm2d;
import dev.minibatch.nn.Conv2d;
import dev.minibatch.nn.Flatten;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.MaxPool2d;
import dev.minibatch.nn.Module;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.nn.Unflatten;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Checkpoint;
import dev.minibatch.io.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The commands' models, by name: {@code mlp}, a multi-layer perceptron {@code Linear ReLU ... Linear}, and
 * {@code cnn}, a small convolutional network with batch norm; and their file: the state dict under PyTorch's
 * names in safetensors, with the model's name in the metadata ({@value #MODEL_KEY}). An MLP's layer sizes are
 * read back from its weights' shapes.
 */
final class ModelFiles {
    /** The metadata key naming the architecture; a file without it holds an MLP. */
    static final String MODEL_KEY = "model";
    static final String MLP = "mlp";
    static final String CNN = "cnn";

    private ModelFiles() {
    }

    /**
     * The {@code cnn} recipe for 28x28 grey images, taken as rows of 784 pixels: two 3x3 convolutions (32 and
     * 64 channels), each with batch norm, ReLU and 2x2 max-pooling, then Linear(3136, 128), batch norm, ReLU
     * and Linear(128, classes). The convolutions have no bias: the batch norm after each would cancel it.
     */
    static Sequential cnn(int classes) {
        return new Sequential(new Unflatten(1, 1, 28, 28),
                new Conv2d(1, 32, 3, 1, 1, 1, 1, false), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1, 1, 1, false), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 7 * 7, 128), new BatchNorm1d(128), new ReLU(),
                new Linear(128, classes));
    }

    /** {@code Sequential(Linear(in, h1), ReLU(), ..., Linear(hk, out))}. */
    static Sequential mlp(int in, List<Integer> hidden, int out) {
        List<Module> layers = new ArrayList<>();
        int prev = in;
        for (int h : hidden) {
            layers.add(new Linear(prev, h));
            layers.add(new ReLU());
            prev = h;
        }
        layers.add(new Linear(prev, out));
        return new Sequential(layers.toArray(new Module[0]));
    }

    static void save(Path file, Sequential model, Map<String, String> metadata) throws IOException {
        Safetensors.save(file, model.stateDict(), metadata);
    }

    /** The model file itself, given it or the checkpoint folder holding it. */
    static Path file(Path fileOrFolder) throws IOException {
        Path f = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(Checkpoint.MODEL_FILE) : fileOrFolder;
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + ": no such model file (train one with 'minibatch train')");
        }
        return f;
    }

    /** The settings a model file records (the run's, for a file written by {@code train}). */
    static Map<String, String> metadata(Path fileOrFolder) throws IOException {
        return Safetensors.load(file(fileOrFolder)).metadata();
    }

    /** A model file, or a checkpoint folder holding one, rebuilt as the architecture its metadata names. */
    static Sequential load(Path file) throws IOException {
        Path f = file(file);
        Safetensors.Contents loaded = Safetensors.load(f);
        Map<String, Tensor> state = loaded.tensors();
        String name = loaded.metadata().getOrDefault(MODEL_KEY, MLP);
        Sequential model = switch (name) {
            case MLP -> mlp(f, state);
            case CNN -> cnn(classes(f, state, "13.weight"));
            default -> throw new IOException(f + ": unknown model '" + name + "' in its metadata (expected "
                    + MLP + " or " + CNN + ")");
        };
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
        return model;
    }

    /** The number of classes: the rows of the last layer's weight. */
    private static int classes(Path f, Map<String, Tensor> state, String lastWeight) throws IOException {
        Tensor w = state.get(lastWeight);
        if (w == null || w.dim() != 2) {
            throw new IOException(f + ": not a Minibatch " + CNN + " (no 2-d '" + lastWeight + "' among "
                    + state.keySet() + ")");
        }
        return w.size(0);
    }

    /** The MLP whose layer sizes the weights' shapes give. */
    private static Sequential mlp(Path f, Map<String, Tensor> state) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; state.containsKey(i + ".weight"); i += 2) {
            int[] s = state.get(i + ".weight").shape();
            if (s.length != 2 || (!sizes.isEmpty() && s[1] != sizes.get(sizes.size() - 1))) {
                throw new IOException(f + ": weight " + i + ".weight of shape " + java.util.Arrays.toString(s)
                        + " does not continue a Linear-ReLU stack");
            }
            if (sizes.isEmpty()) {
                sizes.add(s[1]);
            }
            sizes.add(s[0]);
        }
        if (sizes.size() < 2) {
            throw new IOException(f + ": not a Minibatch MLP (no '0.weight' among " + state.keySet() + ")");
        }
        return mlp(sizes.get(0), sizes.subList(1, sizes.size() - 1), sizes.get(sizes.size() - 1));
    }
}
