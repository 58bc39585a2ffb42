package dev.minibatch.cli;

import dev.minibatch.datasets.DatasetNotFoundException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataOptionsTest {
    /** Offline, the command says in one line what is missing and how to give it: --data, not load(dir). */
    @Test
    void aMissingDatasetIsOneLineNamingDataAndMinibatchData() {
        DatasetNotFoundException e = new DatasetNotFoundException("MNIST is not available: ... load(dir)", "MNIST",
                List.of("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"), Path.of("/home/u/.cache/minibatch/mnist"));
        e.initCause(new IOException("train-images-idx3-ubyte.gz could not be downloaded: https://a.example/mnist/"
                + "train-images-idx3-ubyte.gz: UnknownHostException (a.example); https://b.example/...: "
                + "UnknownHostException (b.example)"));
        assertEquals("MNIST is not available: train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz are not in "
                + "/home/u/.cache/minibatch/mnist and could not be downloaded (https://a.example/mnist/"
                + "train-images-idx3-ubyte.gz: UnknownHostException (a.example)); put the four files (plain or .gz) "
                + "in a folder and pass --data DIR, or set MINIBATCH_DATA to a folder holding mnist/",
                DataOptions.notFound(e, "mnist"));
    }
}
