package dev.minibatch.datasets;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The lesson's own {@code mnist.pkl.gz}: a gzip'd pickle of
 * {@code ((x_train, y_train), (x_valid, y_valid), (x_test, y_test))}, numpy arrays with x float32
 * {@code [n, 784]} (pixel / 256) and y integers. Written by Python 2 (array bytes as byte strings) or
 * Python 3 (bytes through {@code _codecs.encode}); read with a restricted unpickler that builds numpy
 * arrays and dtypes only and refuses every other global, since a pickle is a program. Plain (not gzip'd)
 * pickles are read too. The result has the shape of {@link Mnist#load()}'s, so either can feed training.
 */
public final class MnistPickle {
    private MnistPickle() {
    }

    public static Splits load(Path file) throws IOException {
        Object root;
        try (DataFile in = DataFile.open(file)) {
            root = Unpickler.load(in);
        }
        List<?> splits = tuple(file, root, 3, "((x_train, y_train), (x_valid, y_valid), (x_test, y_test))");
        TensorDataset[] ds = new TensorDataset[3];
        String[] names = {"train", "valid", "test"};
        for (int i = 0; i < 3; i++) {
            List<?> pair = tuple(file, splits.get(i), 2, "(x_" + names[i] + ", y_" + names[i] + ")");
            ds[i] = dataset(file, names[i], pair.get(0), pair.get(1));
        }
        return new Splits(file.getFileName().toString(), new int[] {1, MnistFormat.SIDE, MnistFormat.SIDE},
                MnistFormat.CLASSES, ds[0], ds[1], ds[2]);
    }

    private static List<?> tuple(Path file, Object o, int size, String expected) throws DatasetFormatException {
        if (!(o instanceof List<?> l) || l.size() != size) {
            throw new DatasetFormatException(file, 0, "the pickle does not hold " + expected);
        }
        return l;
    }

    private static TensorDataset dataset(Path file, String split, Object xo, Object yo) throws IOException {
        NdArray x = array(file, xo, "x_" + split);
        NdArray y = array(file, yo, "y_" + split);
        if (x.shape.length != 2 || x.shape[1] != MnistFormat.PIXELS || !x.dtype.isFloat()) {
            throw new DatasetFormatException(file, x.dataOffset, "x_" + split + " is an " + x.describe()
                    + ", expected float images [n, " + MnistFormat.PIXELS + "]");
        }
        int n = x.shape[0];
        if (y.shape.length != 1 || y.shape[0] != n || y.dtype.isFloat()) {
            throw new DatasetFormatException(file, y.dataOffset, "y_" + split + " is an " + y.describe()
                    + ", expected " + n + " integer labels, one per image of x_" + split);
        }
        return new TensorDataset(Tensor.wrap(x.toFloats(), n, MnistFormat.PIXELS),
                Tensor.wrapInts(labels(file, y, "y_" + split), n));
    }

    private static NdArray array(Path file, Object o, String name) throws DatasetFormatException {
        if (!(o instanceof NdArray a) || !a.isBuilt()) {
            throw new DatasetFormatException(file, 0, name + " is not a numpy array");
        }
        return a;
    }

    private static int[] labels(Path file, NdArray y, String name) throws DatasetFormatException {
        ByteBuffer b = y.buffer();
        int[] out = new int[y.size()];
        for (int i = 0; i < out.length; i++) {
            long v = y.element(b, i);
            if (v < 0 || v >= MnistFormat.CLASSES) {
                throw new DatasetFormatException(file, y.dataOffset + (long) i * y.dtype.itemSize, "label " + v
                        + " of " + name + "[" + i + "] is out of range 0.." + (MnistFormat.CLASSES - 1));
            }
            out[i] = (int) v;
        }
        return out;
    }
}
