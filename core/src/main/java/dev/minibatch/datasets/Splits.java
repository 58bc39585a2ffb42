package dev.minibatch.datasets;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.Tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * The lesson's three splits of a labelled image dataset: {@code train}, {@code valid} (held out from the
 * official training set) and the official {@code test} set. Images are float32 rows of pixels,
 * {@code [n, 784]} for MNIST ({@link #asImages()} gives {@code [n, 1, 28, 28]}); labels are int32.
 * Each split is a {@link TensorDataset} of {@code (x, y)}, ready for a {@code DataLoader}.
 *
 * <p>The test split may be converted from its file's bytes only when first asked for: a training job never
 * reads it, and converting it costs 31 MB of new memory and a few hundredths of a second at start-up.
 */
public final class Splits {
    private final String name;
    private final int[] imageShape;
    private final int numClasses;
    private final TensorDataset train;
    private final TensorDataset valid;
    private final int testSize;
    private final Once<TensorDataset> test;

    Splits(String name, int[] imageShape, int numClasses, TensorDataset train, TensorDataset valid,
           TensorDataset test) {
        this(name, imageShape, numClasses, train, valid, test.size(), () -> test);
    }

    /** With the test split made by {@code test}, of {@code testSize} examples, when first asked for. */
    Splits(String name, int[] imageShape, int numClasses, TensorDataset train, TensorDataset valid, int testSize,
           Supplier<TensorDataset> test) {
        this.name = name;
        this.imageShape = imageShape.clone();
        this.numClasses = numClasses;
        this.train = train;
        this.valid = valid;
        this.testSize = testSize;
        this.test = new Once<>(test);
    }

    public String name() {
        return name;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The shape of one image, {@code [channels, height, width]}. */
    public int[] imageShape() {
        return imageShape.clone();
    }

    public TensorDataset train() {
        return train;
    }

    public TensorDataset valid() {
        return valid;
    }

    public TensorDataset test() {
        return test.get();
    }

    /** Train and valid together: the official training set, to train a final model on. */
    public TensorDataset trainFull() {
        return new TensorDataset(Tensor.cat(List.of(train.tensor(0), valid.tensor(0)), 0),
                Tensor.cat(List.of(train.tensor(1), valid.tensor(1)), 0));
    }

    /** The mean pixel of the training images. */
    public float trainMean() {
        return (float) Pixels.mean(train.tensor(0).storage());
    }

    /** The standard deviation of the training pixels (with Bessel's correction, as {@code torch.std}). */
    public float trainStd() {
        float[] x = train.tensor(0).storage();
        return (float) Pixels.std(x, Pixels.mean(x));
    }

    /**
     * Every split as {@code (x - mean) / std} with the training images' mean and std, as the lesson
     * normalises: statistics of the data the model learns from, applied to the data it is judged on.
     */
    public Splits normalized() {
        float mean = trainMean();
        float std = trainStd();
        Once<TensorDataset> raw = test; // not this: the new splits must not keep the raw images alive
        return new Splits(name, imageShape, numClasses, normalize(train, mean, std), normalize(valid, mean, std),
                testSize, () -> normalize(raw.get(), mean, std));
    }

    private static TensorDataset normalize(TensorDataset ds, float mean, float std) {
        Tensor x = ds.tensor(0);
        return new TensorDataset(Tensor.wrap(Pixels.normalize(x.storage(), mean, std), x.shape()), ds.tensor(1));
    }

    /** The same splits with each image as {@code [channels, height, width]}, sharing the pixels. */
    public Splits asImages() {
        Once<TensorDataset> flat = test; // not this, as in normalized()
        int[] shape = imageShape;
        return new Splits(name, shape, numClasses, reshape(train, shape), reshape(valid, shape), testSize,
                () -> reshape(flat.get(), shape));
    }

    private static TensorDataset reshape(TensorDataset ds, int[] imageShape) {
        int[] shape = new int[imageShape.length + 1];
        shape[0] = ds.size();
        System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
        return new TensorDataset(ds.tensor(0).reshape(shape), ds.tensor(1));
    }

    @Override
    public String toString() {
        return name + ": " + train.size() + " train, " + valid.size() + " valid, " + testSize + " test";
    }

    /** A value made once, by the first thread to ask for it; the others wait for it. */
    private static final class Once<T> {
        private Supplier<T> make;
        private T value;

        Once(Supplier<T> make) {
            this.make = make;
        }

        synchronized T get() {
            if (make != null) {
                value = make.get();
                make = null; // lets what it captured go
            }
            return value;
        }
    }
}
