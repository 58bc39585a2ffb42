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
     *                      training images are decoded (each run should be short: the images wait for it to
     *                      end); null for none
     */
    static Splits read(String name, Files f, Runnable whileDecoding) throws IOException {
        // The training images are most of the work: they decompress on a second thread meanwhile.
        FutureTask<Idx> trainImages = new FutureTask<>(() -> Idx.read(f.trainImages(), 3, "images"));
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
            Idx train = await(trainImages);
            int n = checkPair(train, trainLabels);
            int nTest = checkPair(testImages, testLabels);
            int nValid = n / 6;
            int nTrain = n - nValid;
            return new Splits(name, new int[] {1, SIDE, SIDE}, CLASSES,
                    dataset(train, trainLabels, 0, nTrain),
                    dataset(train, trainLabels, nTrain, n),
                    nTest, () -> dataset(testImages, testLabels, 0, nTest));
        } finally {
            trainImages.cancel(true);
        }
    }

    private static Idx await(FutureTask<Idx> task) throws IOException {
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

    /** Checks that the images are 28x28, as many as the labels, and each label in range; returns the count. */
    private static int checkPair(Idx images, Idx labels) throws DatasetFormatException {
        int[] d = images.dims();
        if (d[1] != SIDE || d[2] != SIDE) {
            throw new DatasetFormatException(images.file(), 8, "images are " + d[1] + "x" + d[2] + ", expected "
                    + SIDE + "x" + SIDE);
        }
        if (labels.dims()[0] != d[0]) {
            throw new DatasetFormatException(labels.file(), 4, labels.dims()[0] + " labels, but " + images.file()
                    + " holds " + d[0] + " images");
        }
        byte[] y = labels.data();
        for (int i = 0; i < y.length; i++) {
            if ((y[i] & 0xff) >= CLASSES) {
                throw new DatasetFormatException(labels.file(), labels.offsetOf(i), "label " + (y[i] & 0xff)
                        + " of image " + i + " is out of range 0.." + (CLASSES - 1));
            }
        }
        return d[0];
    }

    private static TensorDataset dataset(Idx images, Idx labels, int from, int to) {
        int n = to - from;
        float[] x = Pixels.unit(images.data(), from * PIXELS, to * PIXELS);
        int[] y = new int[n];
        byte[] l = labels.data();
        for (int i = 0; i < n; i++) {
            y[i] = l[from + i];
        }
        return new TensorDataset(Tensor.wrap(x, n, PIXELS), Tensor.wrapInts(y, n));
    }
}
