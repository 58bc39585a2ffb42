package dev.minibatch.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted pickle machine. A pickle is a program that may call any function it names, so this one
 * knows only the globals that numpy arrays need ({@code _reconstruct}, {@code ndarray}, {@code dtype} and
 * {@code _codecs.encode}) and refuses every other, before anything is called. It reads the binary opcodes
 * of protocols 1 to 4 that numpy arrays and the containers around them use, from Python 2 (byte strings)
 * and Python 3 alike; every value it builds is a tuple or list ({@link List}), dict, string, byte array,
 * number, boolean, None (null) or {@link NdArray}. Stack, memo and containers are bounded, and containers
 * are never recursive ({@link PickleContainers}).
 */
final class Unpickler {
    private static final int MAX_STACK = 1 << 20;
    private static final int MAX_MARKS = 1 << 10;
    private static final int MAX_MEMO = 1 << 20;
    private static final int MAX_GLOBAL_NAME = 256;

    private final DataFile in;
    private final List<Object> stack = new ArrayList<>();
    private final int[] marks = new int[MAX_MARKS];
    private int markDepth;
    private final Map<Long, Object> memo = new HashMap<>();
    private long at;
    private final NumpyCalls numpy;
    private final PickleContainers containers = new PickleContainers(this::fail);

    private Unpickler(DataFile in) {
        this.in = in;
        this.numpy = new NumpyCalls(new NumpyCalls.Context() {
            @Override
            public DatasetFormatException fail(String problem) {
                return Unpickler.this.fail(problem);
            }

            @Override
            public long opcodeOffset() {
                return at;
            }

            @Override
            public long bytesRead() {
                return in.offset();
            }
        });
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
            case 'I' -> push(intLine());
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
            case ')' -> push(containers.tuple(new ArrayList<>()));
            case 't' -> push(containers.tuple(popMark()));
            case 0x85, 0x86, 0x87 -> push(containers.tuple(popN(op - 0x84)));
            case ']' -> push(containers.list());
            case 'a' -> append(popN(1));
            case 'e' -> append(popMark());
            case '}' -> push(containers.dict());
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

    /** INT, as protocols 0 and 1 write ints and booleans ({@code I01} is True, {@code I00} False). */
    private Object intLine() throws IOException {
        String text = line("an INT");
        if (text.equals("01") || text.equals("00")) {
            return text.equals("01");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw fail("INT '" + text + "' is not a 64-bit integer");
        }
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
        numpy.payload(value, start);
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

    /** APPEND(S) and SETITEM(S): the items are off the stack, the container they go into is on top. */
    private void append(List<Object> items) throws DatasetFormatException {
        containers.append(top(), items);
    }

    private void setItems(List<Object> pairs) throws DatasetFormatException {
        containers.setItems(top(), pairs);
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
                throw fail(what + " is not a short printable line");
            }
            s.append((char) c);
        }
        return s.toString();
    }

    private void stackGlobal() throws IOException {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail("STACK_GLOBAL needs two strings, got " + NumpyCalls.typeName(module) + " and "
                    + NumpyCalls.typeName(name));
        }
        push(global(m, n));
    }

    private NumpyCalls.Global global(String module, String name) throws DatasetFormatException {
        NumpyCalls.Global g = NumpyCalls.Global.named(module, name);
        if (g == null) {
            throw fail("refused global " + module + "." + name + ": a pickle can run any code it names, and this "
                    + "reader builds only numpy arrays and dtypes");
        }
        return g;
    }

    private void reduce() throws IOException {
        Object args = pop();
        Object callable = pop();
        if (!(callable instanceof NumpyCalls.Global g)) {
            throw fail("REDUCE calls a " + NumpyCalls.typeName(callable) + ", which is not callable");
        }
        if (!(args instanceof List<?> a)) {
            throw fail("REDUCE arguments are a " + NumpyCalls.typeName(args) + ", not a tuple");
        }
        push(numpy.call(g, a));
    }

    private void build() throws IOException {
        Object state = pop();
        numpy.build(top(), state);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private DatasetFormatException fail(String problem) {
        return new DatasetFormatException(in.file(), at, "pickle: " + problem);
    }
}
