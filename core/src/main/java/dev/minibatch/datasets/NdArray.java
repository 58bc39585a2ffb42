package dev.minibatch.datasets;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A numpy array rebuilt from a pickle: created empty by {@code _reconstruct}, then given its shape, dtype
 * and bytes by {@code BUILD} ({@code ndarray.__setstate__}). Only C-ordered arrays of numbers are read.
 */
final class NdArray {
    /** A numpy dtype such as {@code <f4}: its kind, item size and byte order. */
    static final class DType {
        final char kind;
        final int itemSize;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        private DType(char kind, int itemSize) {
            this.kind = kind;
            this.itemSize = itemSize;
        }

        /** {@code numpy.dtype(name)} for the names of numbers, or null if not one of them. */
        static DType named(String name) {
            String n = name.startsWith("<") || name.startsWith(">") || name.startsWith("|") || name.startsWith("=")
                    ? name.substring(1) : name;
            if (n.length() != 2 || "fiu".indexOf(n.charAt(0)) < 0 || "1248".indexOf(n.charAt(1)) < 0
                    || n.equals("f1") || n.equals("f2")) {
                return null;
            }
            DType d = new DType(n.charAt(0), n.charAt(1) - '0');
            if (name.startsWith(">")) {
                d.order = ByteOrder.BIG_ENDIAN;
            }
            return d;
        }

        /** {@code dtype.__setstate__}: only the byte order ({@code <}, {@code >}, {@code |}, {@code =}) matters. */
        void byteOrder(String order) {
            this.order = order.equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }

        boolean isFloat() {
            return kind == 'f';
        }

        @Override
        public String toString() {
            return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + kind + itemSize;
        }
    }

    int[] shape;
    DType dtype;
    byte[] data;
    /**
     * Where the array's bytes start in the pickle, for messages about its elements (exact for byte
     * strings; for text passed through {@code _codecs.encode}, where the text's UTF-8 starts).
     */
    long dataOffset;

    boolean isBuilt() {
        return data != null;
    }

    void build(int[] shape, DType dtype, byte[] data, long dataOffset) {
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
        this.dataOffset = dataOffset;
    }

    int size() {
        return data.length / dtype.itemSize;
    }

    /** The elements of a float array (f4 or f8) as float32. */
    float[] toFloats() {
        ByteBuffer b = buffer();
        float[] out = new float[size()];
        if (dtype.itemSize == 4) {
            b.asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) b.getDouble(8 * i);
            }
        }
        return out;
    }

    /** Element {@code i} of an integer array. */
    long element(ByteBuffer b, int i) {
        int at = i * dtype.itemSize;
        boolean unsigned = dtype.kind == 'u';
        return switch (dtype.itemSize) {
            case 1 -> unsigned ? b.get(at) & 0xff : b.get(at);
            case 2 -> unsigned ? b.getShort(at) & 0xffff : b.getShort(at);
            case 4 -> unsigned ? b.getInt(at) & 0xffffffffL : b.getInt(at);
            default -> b.getLong(at);
        };
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(dtype.order);
    }

    String describe() {
        return "array " + Arrays.toString(shape) + " of " + dtype;
    }
}
