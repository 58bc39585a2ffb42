package dev.minibatch.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted pickle machine. A pickle is a program that may call any function it names, so this one
 * knows only the globals that numpy arrays need ({@code _reconstruct}, {@code ndarray}, {@code dtype} and
 * {@code _codecs.encode}) and refuses every other, before anything is called. It reads the binary opcodes
 * of protocols 2 to 4 that numpy arrays and the containers around them use, from Python 2 (byte strings)
 * and Python 3 alike; every value it builds is a tuple or list ({@link List}), dict, string, byte array,
 * number, boolean, None (null) or {@link NdArray}. Stack, memo and containers are bounded.
 */
final class Unpickler {
    private static final int MAX_STACK = 1 << 20;
    private static final int MAX_MARKS = 1 << 10;
    private static final int MAX_MEMO = 1 << 20;
    private static final long MAX_ELEMENTS = 1 << 24;
    private static final int MAX_GLOBAL_NAME = 256;

    /** The callables a pickle may name. */
    private enum Global {
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

    private final DataFile in;
    private final List<Object> stack = new ArrayList<>();
    private final int[] marks = new int[MAX_MARKS];
    private int markDepth;
    private final Map<Long, Object> memo = new HashMap<>();
    /** Where each string and byte payload started, so that an array's elements can be located. */
    private final Map<Object, Long> payloadOffsets = new IdentityHashMap<>();
    private long elements;
    private long encoded;
    private long at;

    private Unpickler(DataFile in) {
        this.in = in;
    }

    /** The value a pickle builds; the content must end at its STOP. */
    static Object load(DataFile in) throws IOException {
        return new Unpickler(in).run();
    }

    private Object run() throws IOException {
        while (true) {
            at = in.offset();
            int op = in.readUnsignedByte("the next pickle opcode");
            if (op == '.') {
                Object result = pop();
                in.expectEnd("the pickle's STOP opcode");
                return result;
            }
            step(op);
        }
    }

    private void step(int op) throws IOException {
        switch (op) {
            case 0x80 -> protocol();
            case 0x95 -> readLongLE(8, "a frame length");
            case '(' -> mark();
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'J' -> push(readLongLE(4, "an int") << 32 >> 32);
            case 'K' -> push(readLongLE(1, "an int"));
            case 'M' -> push(readLongLE(2, "an int"));
            case 0x8a -> push(long1());
            case 'T' -> push(payload(signedLength(), true));
            case 'U' -> push(payload(readLongLE(1, "a length"), true));
            case 'B' -> push(payload(readLongLE(4, "a length"), true));
            case 'C' -> push(payload(readLongLE(1, "a length"), true));
            case 0x8e -> push(payload(readLongLE(8, "a length"), true));
            case 'X' -> push(payload(readLongLE(4, "a length"), false));
            case 0x8c -> push(payload(readLongLE(1, "a length"), false));
            case 0x8d -> push(payload(readLongLE(8, "a length"), false));
            case ')' -> push(tuple(List.of()));
            case 't' -> push(tuple(popMark()));
            case 0x85, 0x86, 0x87 -> push(tuple(popN(op - 0x84)));
            case ']' -> push(new ArrayList<>());
            case 'a' -> append(List.of(pop()));
            case 'e' -> append(popMark());
            case '}' -> push(new LinkedHashMap<>());
            case 's' -> setItems(popN(2));
            case 'u' -> setItems(popMark());
            case 'q' -> put(readLongLE(1, "a memo index"));
            case 'r' -> put(readLongLE(4, "a memo index"));
            case 0x94 -> put(memo.size());
            case 'h' -> push(get(readLongLE(1, "a memo index")));
            case 'j' -> push(get(readLongLE(4, "a memo index")));
            case 'c' -> push(global(line("a module name"), line("a global name")));
            case 0x93 -> stackGlobal();
            case 'R' -> reduce();
            case 'b' -> build();
            default -> throw fail(String.format("unsupported pickle opcode 0x%02x%s: only the opcodes that numpy "
                    + "arrays and the containers around them use are read", op,
                    op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : ""));
        }
    }

    // ---- the stack ----------------------------------------------------------------------------------

    private void push(Object o) throws DatasetFormatException {
        if (stack.size() >= MAX_STACK) {
            throw fail("pickle stack exceeds " + MAX_STACK + " values");
        }
        stack.add(o);
    }

    private Object pop() throws DatasetFormatException {
        if (stack.size() <= (markDepth > 0 ? marks[markDepth - 1] : 0)) {
            throw fail("pickle stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private List<Object> popN(int n) throws DatasetFormatException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return Arrays.asList(items);
    }

    private void mark() throws DatasetFormatException {
        if (markDepth == MAX_MARKS) {
            throw fail("pickle nests deeper than " + MAX_MARKS + " marks");
        }
        marks[markDepth++] = stack.size();
    }

    private List<Object> popMark() throws DatasetFormatException {
        if (markDepth == 0) {
            throw fail("pickle has no MARK to pop to");
        }
        int from = marks[--markDepth];
        List<Object> top = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void count(long n) throws DatasetFormatException {
        elements += n;
        if (elements > MAX_ELEMENTS) {
            throw fail("pickle builds more than " + MAX_ELEMENTS + " container elements");
        }
    }

    private Object top() throws DatasetFormatException {
        Object o = pop();
        stack.add(o);
        return o;
    }

    // ---- values -------------------------------------------------------------------------------------

    private void protocol() throws IOException {
        long version = readLongLE(1, "the protocol version");
        if (version > 5) {
            throw fail("unsupported pickle protocol " + version);
        }
    }

    private long readLongLE(int n, String what) throws IOException {
        byte[] b = in.readBytes(n, what);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    private long signedLength() throws IOException {
        long n = readLongLE(4, "a length") << 32 >> 32;
        if (n < 0) {
            throw fail("negative string length " + n);
        }
        return n;
    }

    /** LONG1: a little-endian two's complement integer of up to 8 bytes. */
    private long long1() throws IOException {
        int n = (int) readLongLE(1, "a length");
        if (n > 8) {
            throw fail("an integer of " + n + " bytes is larger than 64 bits");
        }
        if (n == 0) {
            return 0;
        }
        long v = readLongLE(n, "an integer");
        int shift = 64 - 8 * n;
        return v << shift >> shift;
    }

    /** Bytes (Python 2 strings and Python 3 bytes), or text decoded from UTF-8. */
    private Object payload(long n, boolean bytes) throws IOException {
        long start = in.offset();
        byte[] b = in.readBytes(n, bytes ? "a byte string" : "a unicode string");
        Object value = bytes ? b : utf8(b, start);
        payloadOffsets.put(value, start);
        return value;
    }

    private String utf8(byte[] b, long start) throws DatasetFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetFormatException(in.file(), start, "pickle string is not valid UTF-8", e);
        }
    }

    private List<Object> tuple(List<Object> items) throws DatasetFormatException {
        count(items.size());
        return Collections.unmodifiableList(items);
    }

    private void append(List<Object> items) throws DatasetFormatException {
        if (!(top() instanceof ArrayList<?> list)) {
            throw fail("APPEND to a " + typeName(top()) + ", not a list");
        }
        count(items.size());
        @SuppressWarnings("unchecked")
        List<Object> target = (List<Object>) list;
        target.addAll(items);
    }

    private void setItems(List<Object> pairs) throws DatasetFormatException {
        if (pairs.size() % 2 != 0) {
            throw fail("SETITEMS with an odd number of values");
        }
        if (!(top() instanceof LinkedHashMap<?, ?> map)) {
            throw fail("SETITEM on a " + typeName(top()) + ", not a dict");
        }
        count(pairs.size() / 2);
        @SuppressWarnings("unchecked")
        Map<Object, Object> target = (Map<Object, Object>) map;
        for (int i = 0; i < pairs.size(); i += 2) {
            target.put(pairs.get(i), pairs.get(i + 1));
        }
    }

    private void put(long index) throws DatasetFormatException {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw fail("pickle memo exceeds " + MAX_MEMO + " entries");
        }
        memo.put(index, top());
    }

    private Object get(long index) throws DatasetFormatException {
        if (!memo.containsKey(index)) {
            throw fail("memo index " + index + " was never stored");
        }
        return memo.get(index);
    }

    // ---- globals and calls --------------------------------------------------------------------------

    private String line(String what) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.readUnsignedByte(what)) != '\n'; ) {
            if (s.length() == MAX_GLOBAL_NAME || c < 0x20 || c > 0x7e) {
                throw fail(what + " in GLOBAL is not a short printable name");
            }
            s.append((char) c);
        }
        return s.toString();
    }

    private void stackGlobal() throws IOException {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail("STACK_GLOBAL needs two strings, got " + typeName(module) + " and " + typeName(name));
        }
        push(global(m, n));
    }

    private Global global(String module, String name) throws DatasetFormatException {
        Global g = Global.named(module, name);
        if (g == null) {
            throw fail("refused global " + module + "." + name + ": a pickle can run any code it names, and this "
                    + "reader builds only numpy arrays and dtypes");
        }
        return g;
    }

    private void reduce() throws IOException {
        Object args = pop();
        Object callable = pop();
        if (!(callable instanceof Global g)) {
            throw fail("REDUCE calls a " + typeName(callable) + ", which is not callable");
        }
        if (!(args instanceof List<?> a)) {
            throw fail("REDUCE arguments are a " + typeName(args) + ", not a tuple");
        }
        push(switch (g) {
            case RECONSTRUCT -> reconstruct(a);
            case DTYPE -> dtype(a);
            case ENCODE -> encode(a);
            case NDARRAY -> throw fail("numpy.ndarray is not called directly by numpy's pickles");
        });
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
        if (args.size() != 2 || !(args.get(0) instanceof String s)
                || !List.of("latin1", "latin-1", "iso-8859-1").contains(text(args.get(1)))) {
            throw fail("_codecs.encode is read only as encode(str, 'latin1'), got " + describe(args));
        }
        encoded += s.length();
        if (encoded > in.offset()) {
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
        payloadOffsets.put(out, start == null ? at : start);
        return out;
    }

    private void build() throws IOException {
        Object state = pop();
        Object target = top();
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
            count = Math.min(count * v, Long.MAX_VALUE / 16);
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
        a.build(shape, dtype, data, start == null ? at : start);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** Text from a Python 3 str or a Python 2 byte string. */
    private static String text(Object o) {
        if (o instanceof String s) {
            return s;
        }
        return o instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : null;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o instanceof Global g ? "global " + g : o.getClass().getSimpleName();
    }

    private static String describe(Object o) {
        String s = o instanceof List<?> l ? l.stream().map(Unpickler::describeItem).toList().toString()
                : describeItem(o);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String describeItem(Object o) {
        if (o instanceof byte[] b) {
            return b.length <= 16 ? "b'" + new String(b, StandardCharsets.ISO_8859_1) + "'" : "<" + b.length + " bytes>";
        }
        if (o instanceof String s) {
            return s.length() <= 16 ? "'" + s + "'" : "<str of " + s.length() + " chars>";
        }
        return o instanceof List<?> l ? "(" + l.size() + " values)" : String.valueOf(o instanceof NdArray ? "ndarray" : o);
    }

    private DatasetFormatException fail(String problem) {
        return new DatasetFormatException(in.file(), at, "pickle: " + problem);
    }
}
