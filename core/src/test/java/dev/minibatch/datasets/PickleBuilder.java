package dev.minibatch.datasets;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickles opcode by opcode, as Python 2's cPickle writes numpy arrays at protocol 2: array bytes
 * and dtype names as byte strings (SHORT_BINSTRING, BINSTRING), not through {@code _codecs.encode}.
 */
final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBuilder op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBuilder proto(int version) {
        return op(0x80, version);
    }

    PickleBuilder global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleBuilder int1(int v) {
        return op('K', v);
    }

    PickleBuilder int4(int v) {
        op('J');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        return this;
    }

    /** SHORT_BINSTRING or BINSTRING: a Python 2 {@code str}. */
    PickleBuilder str(byte[] b) {
        if (b.length < 256) {
            op('U', b.length);
        } else {
            op('T');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        }
        out.writeBytes(b);
        return this;
    }

    PickleBuilder str(String s) {
        return str(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    PickleBuilder unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    /** A C-ordered little-endian array, as numpy's {@code ndarray.__reduce__} gives it. */
    PickleBuilder array(int[] shape, String dtype, byte[] data) {
        global("numpy.core.multiarray", "_reconstruct");
        global("numpy", "ndarray");
        int1(0).op(0x85).str("b").op(0x87, 'R');
        op('(').int1(1);
        op('(');
        for (int s : shape) {
            int4(s);
        }
        op('t');
        global("numpy", "dtype").str(dtype).int1(0).int1(1).op(0x87, 'R');
        op('(').int1(3).str("<").op('N', 'N', 'N').int4(-1).int4(-1).int1(0).op('t', 'b');
        op(0x89).str(data).op('t', 'b');
        return this;
    }

    PickleBuilder floats(float[] x, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        return array(shape, "f4", b.array());
    }

    PickleBuilder longs(long[] y) {
        ByteBuffer b = ByteBuffer.allocate(8 * y.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(y);
        return array(new int[] {y.length}, "i8", b.array());
    }

    PickleBuilder stop() {
        return op('.');
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** {@code ((x, y), (x, y), (x, y))} with n images of 784 pixels each, label i % 10. */
    static byte[] lessonLayout(int n) {
        PickleBuilder p = new PickleBuilder().proto(2);
        for (int split = 0; split < 3; split++) {
            float[] x = new float[n * 784];
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = (i + split) % 10;
                x[i * 784 + i % 784] = (split + 1) / 4f;
            }
            p.floats(x, n, 784).longs(y).op(0x86);
        }
        return p.op(0x87).stop().bytes();
    }
}
