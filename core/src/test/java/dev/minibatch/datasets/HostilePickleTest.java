package dev.minibatch.datasets;

import dev.minibatch.Fuzzing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pickles written to attack the reader, byte by byte: ones that name code to run, abuse the calls it
 * allows, nest without end or claim sizes they do not have. Each is refused with a message that says
 * why, plain or gzip'd, and costs no more memory than its bytes.
 */
class HostilePickleTest {
    @TempDir
    Path tmp;

    private int files;

    /** Loads {@code pickle}, plain and gzip'd, expecting a refusal whose message holds every word. */
    private DatasetFormatException refused(byte[] pickle, String... words) throws IOException {
        DatasetFormatException first = null;
        for (byte[] bytes : List.of(pickle, Fuzzing.gzip(pickle))) {
            Path file = Files.write(tmp.resolve("hostile-" + files++ + ".pkl"), bytes);
            DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MnistPickle.load(file));
            for (String w : words) {
                assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
            }
            Fuzzing.loadsOrRefuses(DatasetFormatException.class, pickle.length, () -> MnistPickle.load(file));
            first = first == null ? e : first;
        }
        return first;
    }

    private static PickleBuilder calling(String module, String name, String argument) {
        return new PickleBuilder().proto(2).global(module, name).str(argument).op(0x85, 'R');
    }

    private static PickleBuilder stackGlobal(String module, String name) {
        return new PickleBuilder().proto(4).unicode(module).unicode(name).op(0x93);
    }

    private static byte[] le(long value, int bytes) {
        return Arrays.copyOf(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array(), bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void refusesEveryGlobalThatRunsCommandsOrCode() throws IOException {
        String[][] globals = {{"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"subprocess", "Popen"},
            {"subprocess", "check_output"}, {"builtins", "eval"}, {"builtins", "exec"}, {"__builtin__", "eval"},
            {"builtins", "getattr"}, {"builtins", "__import__"}, {"importlib", "import_module"},
            {"pickle", "loads"}, {"numpy", "load"}, {"numpy.core.multiarray", "scalar"}};
        for (String[] g : globals) {
            DatasetFormatException e = refused(calling(g[0], g[1], "touch /tmp/pwned").stop().bytes(),
                    "refused global " + g[0] + "." + g[1], "builds only numpy arrays");
            assertEquals(2, e.offset(), "refused at the GLOBAL opcode, before REDUCE could call it");
            refused(stackGlobal(g[0], g[1]).unicode("1").op(0x85, 'R').stop().bytes(),
                    "refused global " + g[0] + "." + g[1]);
        }
    }

    @Test
    void namesAreMatchedWholeNotByPrefixOrAttributePath() throws IOException {
        refused(calling("numpy", "ndarray.__new__", "x").stop().bytes(), "refused global numpy.ndarray.__new__");
        refused(calling("numpy.core.multiarray", "_reconstruct.__globals__", "x").stop().bytes(), "refused global");
        refused(calling("_codecs", "decode", "x").stop().bytes(), "refused global _codecs.decode");
        byte[] newline = concat(new PickleBuilder().proto(2).op('c').bytes(),
                "os\nsystem\u0000x\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(newline, "not a short printable line");
        byte[] longName = concat(new PickleBuilder().proto(2).op('c').bytes(),
                ("numpy\n" + "a".repeat(10_000) + "\n").getBytes(StandardCharsets.US_ASCII));
        refused(longName, "not a short printable line");
    }

    @Test
    void refusesEveryOtherOpcodeThatCanNameOrBuildObjects() throws IOException {
        byte[] inst = concat(new PickleBuilder().proto(0).op('(').bytes(),
                "ios\nsystem\n".getBytes(StandardCharsets.US_ASCII), new byte[] {'.'});
        refused(inst, "unsupported pickle opcode 0x69 ('i')");
        refused(new PickleBuilder().proto(2).global("numpy", "ndarray").op('(').op('o').stop().bytes(),
                "unsupported pickle opcode 0x6f ('o')");
        refused(new PickleBuilder().proto(2).global("numpy", "ndarray").op(')', 0x81).stop().bytes(),
                "unsupported pickle opcode 0x81");
        refused(new PickleBuilder().proto(4).global("numpy", "ndarray").op(')', '}', 0x92).stop().bytes(),
                "unsupported pickle opcode 0x92");
        refused(new PickleBuilder().proto(2).op(0x82, 1).stop().bytes(), "unsupported pickle opcode 0x82");
        refused(new PickleBuilder().proto(2).op(0x83, 1, 0).stop().bytes(), "unsupported pickle opcode 0x83");
        refused(new PickleBuilder().proto(2).op(0x84, 1, 0, 0, 0).stop().bytes(), "unsupported pickle opcode 0x84");
        refused(new PickleBuilder().proto(0).op('P').op('1', '\n').stop().bytes(), "unsupported pickle opcode 0x50");
        refused(new PickleBuilder().proto(2).int1(1).op('Q').stop().bytes(), "unsupported pickle opcode 0x51");
    }

    @Test
    void refusesStackGlobalOfAnythingButTwoStrings() throws IOException {
        refused(new PickleBuilder().proto(4).int1(1).int1(2).op(0x93).stop().bytes(),
                "STACK_GLOBAL needs two strings, got Long and Long");
        refused(new PickleBuilder().proto(4).str("numpy").str("ndarray").op(0x93).stop().bytes(),
                "STACK_GLOBAL needs two strings");
        refused(new PickleBuilder().proto(4).op('N').unicode("system").op(0x93).stop().bytes(),
                "STACK_GLOBAL needs two strings, got None and String");
        refused(new PickleBuilder().proto(4).unicode("system").op(0x93).stop().bytes(), "stack underflow");
    }

    @Test
    void refusesTheAllowedCallsWithAnyOtherArguments() throws IOException {
        refused(new PickleBuilder().proto(2).global("numpy.core.multiarray", "_reconstruct")
                .global("os", "system").op(0x85, 'R').stop().bytes(), "refused global os.system");
        refused(new PickleBuilder().proto(2).global("numpy.core.multiarray", "_reconstruct")
                .unicode("numpy.ndarray").op(0x85, 'R').stop().bytes(), "_reconstruct builds only numpy.ndarray");
        refused(new PickleBuilder().proto(2).global("numpy.core.multiarray", "_reconstruct").op(')', 'R').stop()
                .bytes(), "_reconstruct builds only numpy.ndarray");
        refused(new PickleBuilder().proto(2).global("numpy", "ndarray").op(')', 'R').stop().bytes(),
                "numpy.ndarray is not called directly");
        refused(new PickleBuilder().proto(2).global("_codecs", "encode").unicode("x").op(0x85, 'R').stop().bytes(),
                "_codecs.encode is read only as encode(str, 'latin1')");
        refused(new PickleBuilder().proto(2).global("_codecs", "encode").unicode("x").unicode("latin1")
                .unicode("strict").op(0x87, 'R').stop().bytes(), "encode(str, 'latin1')");
        refused(new PickleBuilder().proto(2).global("_codecs", "encode").int1(7).unicode("latin1").op(0x86, 'R')
                .stop().bytes(), "encode(str, 'latin1')");
        // Found by PickleFuzzTest in a CI run: a codec that is not text crashed with a NullPointerException.
        refused(new PickleBuilder().proto(2).global("_codecs", "encode").unicode("b").int1(1).op(0x86, 'R')
                .stop().bytes(), "encode(str, 'latin1')");
        refused(new PickleBuilder().proto(2).global("_codecs", "encode").unicode("x").unicode("utf-7")
                .op(0x86, 'R').stop().bytes(), "encode(str, 'latin1')");
        refused(new PickleBuilder().proto(2).global("_codecs", "encode").unicode("\u20ac").unicode("latin1")
                .op(0x86, 'R').stop().bytes(), "U+20ac", "has no latin1 byte");
        for (String dtype : new String[] {"O8", "V8", "S8", "U8", "f2", "c8", "M8"}) {
            refused(new PickleBuilder().proto(2).global("numpy", "dtype").str(dtype).int1(0).int1(1)
                    .op(0x87, 'R').stop().bytes(), "dtype", "is not a number type this reader supports");
        }
        refused(new PickleBuilder().proto(2).str("os.system").op(')', 'R').stop().bytes(),
                "REDUCE calls a byte[], which is not callable");
        refused(new PickleBuilder().proto(2).global("numpy", "dtype").int1(1).op('R').stop().bytes(),
                "REDUCE arguments are a Long, not a tuple");
    }

    @Test
    void refusesBuildOnAnythingButAnArrayOrDtype() throws IOException {
        refused(new PickleBuilder().proto(2).op('}').op('}').op('b').stop().bytes(),
                "BUILD on a LinkedHashMap is not allowed");
        refused(new PickleBuilder().proto(2).global("numpy", "ndarray").op('}').op('b').stop().bytes(),
                "BUILD on a global NDARRAY is not allowed");
        byte[] stringShape = new PickleBuilder().proto(2).global("numpy.core.multiarray", "_reconstruct")
                .global("numpy", "ndarray").int1(0).op(0x85).str("b").op(0x87, 'R')
                .op('(').int1(1).unicode("784").op(0x85).global("numpy", "dtype").str("f4").int1(0).int1(1)
                .op(0x87, 'R').op(0x89).str(new byte[4]).op('t', 'b').stop().bytes();
        refused(stringShape, "array shape", "is not a tuple of sizes");
        byte[] textData = new PickleBuilder().proto(2).global("numpy.core.multiarray", "_reconstruct")
                .global("numpy", "ndarray").int1(0).op(0x85).str("b").op(0x87, 'R')
                .op('(').int1(1).int1(1).op(0x85).global("numpy", "dtype").str("f4").int1(0).int1(1)
                .op(0x87, 'R').op(0x89).unicode("abcd").op('t', 'b').stop().bytes();
        refused(textData, "is not (version, shape, dtype, is_fortran, data)");
    }

    @Test
    void refusesArrayShapesWhoseProductOverflows() throws IOException {
        int max = Integer.MAX_VALUE;
        byte[] overflow = new PickleBuilder().proto(2).array(new int[] {max, max, max, 32, 33}, "u1", new byte[8])
                .stop().bytes();
        refused(overflow, "array shape [2147483647, 2147483647, 2147483647, 32, 33] has more elements than "
                + "a Java array holds");
        byte[] justOver = new PickleBuilder().proto(2).array(new int[] {65536, 32768}, "u1", new byte[8]).stop()
                .bytes();
        refused(justOver, "has more elements than a Java array holds");
        byte[] emptyAfterAll = new PickleBuilder().proto(2).array(new int[] {max, max, 0}, "f8", new byte[0])
                .stop().bytes();
        refused(emptyAfterAll, "does not hold ((x_train, y_train)");
    }

    @Test
    void refusesSizesTheFileDoesNotHave() throws IOException {
        byte[] binbytes = concat(new PickleBuilder().proto(3).op('B').bytes(), le(0x7fff_0000, 4),
                new byte[] {1, 2, 3});
        refused(binbytes, "truncated", "2147418112 bytes");
        byte[] binunicode = concat(new PickleBuilder().proto(2).op('X').bytes(), le(0xffff_ffffL, 4));
        refused(binunicode, "4294967295 bytes is more than a Java array can hold");
        byte[] binbytes8 = concat(new PickleBuilder().proto(4).op(0x8e).bytes(), le(1L << 40, 8));
        refused(binbytes8, "1099511627776 bytes is more than a Java array can hold");
        byte[] binunicode8 = concat(new PickleBuilder().proto(4).op(0x8d).bytes(), le(-1L, 8));
        refused(binunicode8, "18446744073709551615 bytes is more than a Java array can hold");
        byte[] binstring = concat(new PickleBuilder().proto(1).op('T').bytes(), le(-5, 4));
        refused(binstring, "negative string length -5");
        byte[] longBinget = concat(new PickleBuilder().proto(2).op('j').bytes(), le(0xffff_ffffL, 4),
                new byte[] {'.'});
        refused(longBinget, "memo index 4294967295 was never stored");
        byte[] long1 = new PickleBuilder().proto(2).op(0x8a, 200).stop().bytes();
        refused(long1, "an integer of 200 bytes is larger than 64 bits");
        byte[] frame = concat(new PickleBuilder().proto(4).op(0x95).bytes(), le(Long.MAX_VALUE, 8),
                new PickleBuilder().int1(1).stop().bytes());
        refused(frame, "does not hold ((x_train, y_train)");
    }

    @Test
    void refusesHundredThousandFoldNestingWithoutOverflowingTheStack() throws IOException {
        int levels = 100_000;
        PickleBuilder tuples = new PickleBuilder().proto(2).int1(1);
        for (int i = 0; i < levels; i++) {
            tuples.op(0x85);
        }
        refused(tuples.stop().bytes(), "nests containers more than " + PickleContainers.MAX_DEPTH + " deep");
        PickleBuilder lists = new PickleBuilder().proto(2);
        for (int i = 0; i < levels; i++) {
            lists.op(']');
        }
        for (int i = 1; i < levels; i++) {
            lists.op('a');
        }
        refused(lists.stop().bytes(), "nests containers more than " + PickleContainers.MAX_DEPTH + " deep");
        PickleBuilder dicts = new PickleBuilder().proto(2);
        for (int i = 0; i < levels; i++) {
            if (i > 0) {
                dicts.int1(0);
            }
            dicts.op('}');
        }
        for (int i = 1; i < levels; i++) {
            dicts.op('s');
        }
        refused(dicts.stop().bytes(), "nests containers more than " + PickleContainers.MAX_DEPTH + " deep");
        byte[] marks = new byte[levels];
        Arrays.fill(marks, (byte) '(');
        refused(marks, "nests deeper than 1024 marks");
    }

    /** Found by PickleFuzzTest: a dict keyed by itself made hashing recurse until the stack overflowed. */
    @Test
    void refusesRecursiveStructuresAndContainersAsKeys() throws IOException {
        byte[] selfKeyed = new PickleBuilder().proto(2).op('}', 'q', 0, 'h', 0, 'h', 0, 's').stop().bytes();
        refused(selfKeyed, "dict key is a dict");
        byte[] tupleKey = new PickleBuilder().proto(2).op('}').int1(1).op(0x85).int1(2).op('s').stop().bytes();
        refused(tupleKey, "dict key is a tuple; keys are read only as strings, bytes, numbers, booleans or None");
        byte[] globalKey = new PickleBuilder().proto(2).op('}').global("numpy", "ndarray").int1(2).op('s').stop()
                .bytes();
        refused(globalKey, "dict key is a global NDARRAY");
        byte[] selfContaining = new PickleBuilder().proto(2).op(']', 'q', 0, 'h', 0, 'a').stop().bytes();
        refused(selfContaining, "a list changes after it was put inside another container (or itself)");
        byte[] cycle = new PickleBuilder().proto(2).op(']', 'q', 0, 'h', 0, 0x85, 'a').stop().bytes();
        refused(cycle, "recursive structures are not read");
        byte[] dictInItsValue = new PickleBuilder().proto(2).op('}', 'q', 0).int1(1).op('h', 0, 's').stop().bytes();
        refused(dictInItsValue, "a dict changes after it was put inside another container");
    }

    /** Found by PickleFuzzTest: APPEND of None failed with a NullPointerException. */
    @Test
    void readsSharedButNotRecursiveValuesAndNones() throws IOException {
        byte[] shared = new PickleBuilder().proto(2).op(']', 'q', 0, 'N', 'a').op('h', 0, 'h', 0, 0x86)
                .op('}', 'N', 'h', 0, 's', 0x87).stop().bytes();
        Path file = Files.write(tmp.resolve("shared.pkl"), shared);
        try (DataFile in = DataFile.open(file)) {
            List<?> none = Collections.singletonList(null);
            assertEquals(List.of(none, List.of(none, none), Collections.singletonMap(null, none)),
                    Unpickler.load(in));
        }
    }
}
