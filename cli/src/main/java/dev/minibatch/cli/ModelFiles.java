package dev.minibatch.cli;

import dev.minibatch.nn.Linear;
import dev.minibatch.nn.Module;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
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
 * The command's model, a multi-layer perceptron {@code Linear ReLU ... Linear}, and its file: the state
 * dict under PyTorch's names in safetensors, from which the layer sizes are read back.
 */
final class ModelFiles {
    private ModelFiles() {
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

    /** A model file, or a checkpoint folder holding one; the MLP is rebuilt from the weights' shapes. */
    static Sequential load(Path file) throws IOException {
        Path f = file(file);
        Map<String, Tensor> state = Safetensors.load(f).tensors();
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
        Sequential model = mlp(sizes.get(0), sizes.subList(1, sizes.size() - 1), sizes.get(sizes.size() - 1));
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
        return model;
    }
}
