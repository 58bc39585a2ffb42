package dev.minibatch.datasets;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The only calls a pickle may make here: those numpy's own pickles make to rebuild an array
 * ({@code _reconstruct}, {@code dtype}, {@code ndarray.__setstate__}, {@code dtype.__setstate__}) and
 * {@code _codecs.encode}, by which Python 3 writes bytes at protocol 2. Their arguments are checked
 * as strictly as numpy would, so that nothing but arrays of numbers comes out.
 */
final class NumpyCalls {
    /** How a call reports a problem, located at the opcode that made it. */
    interface Context {
        DatasetFormatException fail(String problem);

        long opcodeOffset();

        long bytesRead();
    }

    /** The callables a pickle may name. */
    enum Global {
        RECONSTRUCT, NDARRAY, DTYPE, ENCODE;

        static Global named(String module, String name) {
            return switch (module + "." + name) {
                case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct" -> RECONSTRUCT;
                case "numpy.ndarray" -> NDARRAY;
                case "numpy.dtype" -> DTYPE;
                case "_codecs.encode" -> ENCODE;
                default -> null;
            };
        }
    }

    private final Context context;
    /** Where each string and byte payload started, so that an array's elements can be located. */
    private final Map<Object, Long> payloadOffsets = new IdentityHashMap<>();
    private long encoded;

    NumpyCalls(Context context) {
        this.context = context;
    }

    void payload(Object value, long offset) {
        payloadOffsets.put(value, offset);
    }

    Object call(Global g, List<?> args) throws DatasetFormatException {
        return switch (g) {
            case RECONSTRUCT -> reconstruct(args);
            case DTYPE -> dtype(args);
            case ENCODE -> encode(args);
            case NDARRAY -> throw fail("numpy.ndarray is not called directly by numpy's pickles");
        };
    }

    private NdArray reconstruct(List<?> args) throws DatasetFormatException {
        if (args.isEmpty() || args.get(0) != Global.NDARRAY) {
            throw fail("_reconstruct builds only numpy.ndarray, got arguments " + describe(args));
        }
        return new NdArray();
    }

    private NdArray.DType dtype(List<?> args) throws DatasetFormatException {
        String name = args.isEmpty() ? null : text(args.get(0));
        NdArray.DType d = name == null ? null : NdArray.DType.named(name);
        if (d == null) {
            throw fail("dtype " + describe(args) + " is not a number type this reader supports "
                    + "(f4, f8, i1..i8, u1..u8)");
        }
        return d;
    }

    /** {@code _codecs.encode(text, 'latin1')}: how Python 3 pickles bytes for Python 2 (protocol 2). */
    private byte[] encode(List<?> args) throws DatasetFormatException {
        // List.of(...).contains(null) throws: a codec that is not text must be refused, not crash.
        String codec = args.size() == 2 ? text(args.get(1)) : null;
        if (!(args.size() == 2 && args.get(0) instanceof String s && codec != null
                && List.of("latin1", "latin-1", "iso-8859-1").contains(codec))) {
            throw fail("_codecs.encode is read only as encode(str, 'latin1'), got " + describe(args));
        }
        encoded += s.length();
        if (encoded > context.bytesRead()) {
            throw fail("_codecs.encode would build more bytes than the pickle holds");
        }
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw fail("_codecs.encode: character U+" + Integer.toHexString(c) + " at " + i
                        + " has no latin1 byte");
            }
            out[i] = (byte) c;
        }
        Long start = payloadOffsets.get(s);
        payloadOffsets.put(out, start == null ? context.opcodeOffset() : start);
        return out;
    }

    void build(Object target, Object state) throws DatasetFormatException {
        if (target instanceof NdArray a) {
            buildArray(a, state);
        } else if (target instanceof NdArray.DType d) {
            if (!(state instanceof List<?> s) || s.size() < 2 || text(s.get(1)) == null) {
                throw fail("dtype state " + describe(state) + " has no byte order");
            }
            d.byteOrder(text(s.get(1)));
        } else {
            throw fail("BUILD on a " + typeName(target) + " is not allowed");
        }
    }

    /** {@code ndarray.__setstate__((version,) shape, dtype, is_fortran, data)}. */
    private void buildArray(NdArray a, Object state) throws DatasetFormatException {
        if (!(state instanceof List<?> s) || (s.size() != 5 && s.size() != 4)) {
            throw fail("array state " + describe(state) + " is not (version, shape, dtype, is_fortran, data)");
        }
        List<?> st = s.size() == 5 ? s.subList(1, 5) : s;
        if (!(st.get(0) instanceof List<?> shapeList) || !(st.get(1) instanceof NdArray.DType dtype)
                || !(st.get(3) instanceof byte[] data)) {
            throw fail("array state " + describe(state) + " is not (version, shape, dtype, is_fortran, data)");
        }
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                throw fail("array shape " + describe(shapeList) + " is not a tuple of sizes");
            }
            shape[i] = (int) (long) v;
            // Both factors stay below 2^31, so the product cannot overflow; a zero size still gives zero.
            count = Math.min(count * v, Integer.MAX_VALUE + 1L);
        }
        if (count > Integer.MAX_VALUE) {
            throw fail("array shape " + Arrays.toString(shape) + " has more elements than a Java array holds");
        }
        boolean fortran = Boolean.TRUE.equals(st.get(2)) || Long.valueOf(1).equals(st.get(2));
        if (fortran && shape.length > 1) {
            throw fail("Fortran-ordered arrays are not read; save the array in C order");
        }
        if (count * dtype.itemSize != data.length) {
            throw fail("array of shape " + Arrays.toString(shape) + " and dtype " + dtype + " needs "
                    + count * dtype.itemSize + " bytes, but its data holds " + data.length);
        }
        Long start = payloadOffsets.get(data);
        a.build(shape, dtype, data, start == null ? context.opcodeOffset() : start);
    }

    /** Text from a Python 3 str or a Python 2 byte string. */
    private static String text(Object o) {
        if (o instanceof String s) {
            return s;
        }
        return o instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : null;
    }

    static String typeName(Object o) {
        return o == null ? "None" : o instanceof Global g ? "global " + g : o.getClass().getSimpleName();
    }

    private static String describe(Object o) {
        String s = o instanceof List<?> l ? l.stream().map(NumpyCalls::describeItem).toList().toString()
                : describeItem(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String describeItem(Object o) {
        if (o instanceof byte[] b) {
            return b.length <= 16 ? "b'" + new String(b, StandardCharsets.ISO_8859_1) + "'"
                    : "<" + b.length + " bytes>";
        }
        if (o instanceof String s) {
            return s.length() <= 16 ? "'" + s + "'" : "<str of " + s.length() + " chars>";
        }
        if (o instanceof List<?> l) {
            return "(" + l.size() + " values)";
        }
        return o instanceof NdArray ? "ndarray" : String.valueOf(o);
    }

    private DatasetFormatException fail(String problem) {
        return context.fail(problem);
    }
}
