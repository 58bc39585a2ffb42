package dev.minibatch.datasets;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The four IDX files of MNIST and Fashion-MNIST, checked against each other and cut into the lesson's
 * splits: the last sixth of the training set (10,000 of 60,000) validates, the rest trains.
 */
final class MnistFormat {
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;
    static final int CLASSES = 10;

    /** The files, in the order of {@link Spec#files()}. */
    record Files(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    }

    private MnistFormat() {
    }

    /**
     * @param whileDecoding run again and again on the calling thread, once the other files are read, until the
     *                      training images are decoded and converted (each run should be short: the images
     *                      wait for it to end); null for none
     */
    static Splits read(String name, Files f, Runnable whileDecoding) throws IOException {
        // The training images are most of the work: they decompress, and convert to floats, on a second thread
        // meanwhile, so that the calling thread can warm up for as long as both take.
        FutureTask<TrainImages> trainImages = new FutureTask<>(() -> TrainImages.read(f.trainImages()));
        Thread reader = new Thread(trainImages, "minibatch-idx-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            Idx trainLabels = Idx.read(f.trainLabels(), 1, "labels");
            Idx testImages = Idx.read(f.testImages(), 3, "images");
            Idx testLabels = Idx.read(f.testLabels(), 1, "labels");
            while (whileDecoding != null && !trainImages.isDone()) {
                whileDecoding.run();
            }
            TrainImages train = await(trainImages);
            checkLabels(train.idx(), trainLabels);
            checkImages(testImages);
            int nTest = checkLabels(testImages, testLabels);
            return new Splits(name, new int[] {1, SIDE, SIDE}, CLASSES,
                    dataset(train.train(), trainLabels, 0),
                    dataset(train.valid(), trainLabels, train.nTrain()),
                    nTest, () -> dataset(Pixels.unit(testImages.data(), 0, nTest * PIXELS), testLabels, 0));
        } finally {
            trainImages.cancel(true);
        }
    }

    /**
     * The training images, checked and converted to floats in [0, 1], cut in two: training before, validation
     * (the last sixth) after.
     */
    private record TrainImages(Idx idx, float[] train, float[] valid) {
        static TrainImages read(Path file) throws IOException {
            Idx idx = Idx.read(file, 3, "images");
            int n = checkImages(idx);
            int nTrain = n - n / 6;
            byte[] bytes = idx.data();
            return new TrainImages(idx, Pixels.unit(bytes, 0, nTrain * PIXELS),
                    Pixels.unit(bytes, nTrain * PIXELS, n * PIXELS));
        }

        /** The number of training images, where validation's labels start. */
        int nTrain() {
            return train.length / PIXELS;
        }
    }

    private static <T> T await(FutureTask<T> task) throws IOException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("reading the training images failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the training images");
        }
    }

    /** Checks that the images are 28x28; returns their count. */
    private static int checkImages(Idx images) throws DatasetFormatException {
        int[] d = images.dims();
        if (d[1] != SIDE || d[2] != SIDE) {
            throw new DatasetFormatException(images.file(), 8, "images are " + d[1] + "x" + d[2] + ", expected "
                    + SIDE + "x" + SIDE);
        }
        return d[0];
    }

    /** Checks that there are as many labels as images, and each label in range; returns the count. */
    private static int checkLabels(Idx images, Idx labels) throws DatasetFormatException {
        int n = images.dims()[0];
        if (labels.dims()[0] != n) {
            throw new DatasetFormatException(labels.file(), 4, labels.dims()[0] + " labels, but " + images.file()
                    + " holds " + n + " images");
        }
        byte[] y = labels.data();
        for (int i = 0; i < y.length; i++) {
            if ((y[i] & 0xff) >= CLASSES) {
                throw new DatasetFormatException(labels.file(), labels.offsetOf(i), "label " + (y[i] & 0xff)
                        + " of image " + i + " is out of range 0.." + (CLASSES - 1));
            }
        }
        return n;
    }

    /** The images {@code x} (floats, {@link #PIXELS} per image) with their labels from {@code from} on. */
    private static TensorDataset dataset(float[] x, Idx labels, int from) {
        int n = x.length / PIXELS;
        int[] y = new int[n];
        byte[] l = labels.data();
        for (int i = 0; i < n; i++) {
            y[i] = l[from + i];
        }
        return new TensorDataset(Tensor.wrap(x, n, PIXELS), Tensor.wrapInts(y, n));
    }
}
