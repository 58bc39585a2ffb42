package dev.minibatch.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * MNIST, the handwritten digits (LeCun, Cortes, Burges): 60,000 training and 10,000 test images of 28x28
 * pixels, read from its four IDX files, plain or gzip. {@link Splits#train()} holds the first 50,000
 * training images, {@link Splits#valid()} the last 10,000, {@link Splits#test()} the official test set.
 *
 * <pre>{@code
 * Splits mnist = Mnist.load().normalized();
 * var train = DataLoader.builder(mnist.train()).batchSize(64).shuffle(true).build();
 * }</pre>
 *
 * <p>Without a folder, the files are looked for in {@code $MINIBATCH_DATA/mnist}, then in
 * {@code ~/.cache/minibatch/mnist} (under {@code $XDG_CACHE_HOME} if set); when absent they are downloaded
 * from {@link #MIRRORS} into the first of these ({@code $MINIBATCH_DATA/mnist} if the variable is set),
 * each checked against its published MD5 before it is moved into place.
 */
public final class Mnist {
    /** The mirrors PyTorch's torchvision downloads from, over HTTPS. */
    public static final List<URI> MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));

    /** The checksums and sizes published with the original files. */
    static final List<RemoteFile> FILES = List.of(
            new RemoteFile("train-images-idx3-ubyte", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422),
            new RemoteFile("train-labels-idx1-ubyte", "d53e105ee54ea40749a09fcbcd1e9432", 28881),
            new RemoteFile("t10k-images-idx3-ubyte", "9fb629c4189551a2d022fa330f9573f3", 1648877),
            new RemoteFile("t10k-labels-idx1-ubyte", "ec29112dd5afa0611ce80d1b7f02629c", 4542));

    static final Spec SPEC = new Spec("MNIST", "mnist", FILES, MIRRORS, List.of());

    private Mnist() {
    }

    /** From the default folders, downloading what is missing. */
    public static Splits load() throws IOException {
        return load(null, MIRRORS);
    }

    /** From {@code dir}, downloading into it what is missing. */
    public static Splits load(Path dir) throws IOException {
        return load(dir, MIRRORS);
    }

    /**
     * @param dir     the folder of the four files, or null for the default folders
     * @param mirrors base URLs to download missing files from; empty to never download
     */
    public static Splits load(Path dir, List<URI> mirrors) throws IOException {
        return load(dir, mirrors, null);
    }

    /**
     * As {@link #load(Path, List)}, running {@code whileDecoding} on the calling thread, again and again, while
     * the training images decompress and convert to floats on another (the calling thread would wait for them):
     * a caller can do work of its own meanwhile, as {@code minibatch train} warms up its training step. Each run
     * should be short, as the images wait for it to end; null for none.
     */
    public static Splits load(Path dir, List<URI> mirrors, Runnable whileDecoding) throws IOException {
        return MnistFormat.read(SPEC.name(), Locator.locate(SPEC, dir, mirrors, Locator.Env.system()),
                whileDecoding);
    }
}
