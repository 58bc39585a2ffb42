package dev.minibatch.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando Research): 28x28 images of ten kinds of clothing, a drop-in replacement for
 * {@link Mnist} with the same files, sizes and splits, and a harder problem.
 *
 * <p>Without a folder, the files are looked for in {@code $MINIBATCH_DATA/fashion-mnist}, then in
 * {@code /usr/share/datasets/fashion-mnist} (where Debian's package {@code dataset-fashion-mnist} installs
 * them), then in {@code ~/.cache/minibatch/fashion-mnist}; when absent they are downloaded from
 * {@link #MIRRORS} and checked against the MD5s published in the dataset's README.
 */
public final class FashionMnist {
    /** The dataset's own repository, over HTTPS. */
    public static final List<URI> MIRRORS = List.of(
            URI.create("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"));

    /** The names of the ten classes, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final List<RemoteFile> FILES = List.of(
            new RemoteFile("train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26421880),
            new RemoteFile("train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe", 29515),
            new RemoteFile("t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79", 4422102),
            new RemoteFile("t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310", 5148));

    static final Spec SPEC = new Spec("Fashion-MNIST", "fashion-mnist", FILES, MIRRORS,
            List.of(Path.of("/usr/share/datasets/fashion-mnist")));

    private FashionMnist() {
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
