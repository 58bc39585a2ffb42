package dev.minibatch.datasets;

import dev.minibatch.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistPickleTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    private DatasetFormatException refused(byte[] pickle) throws IOException {
        Path file = write("bad.pkl.gz", TestFiles.gzip(pickle));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MnistPickle.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void readsThePython3SampleAsTheSameImagesAsTheIdxFiles() throws IOException {
        Splits pkl = MnistPickle.load(Fixtures.shared().resolve("fixtures").resolve("mnist_sample.pkl.gz"));
        assertEquals(1000, pkl.train().size());
        assertEquals(200, pkl.valid().size());
        assertEquals(200, pkl.test().size());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4},
                Arrays.copyOf(pkl.train().tensor(1).toIntArray(), 10));
        Splits idx = Mnist.load(Fixtures.mnistDir(), List.of());
        assertSamePixels(idx.train().tensor(0).storage(), 0, pkl.train().tensor(0).storage());
        assertSamePixels(idx.valid().tensor(0).storage(), 0, pkl.valid().tensor(0).storage());
        assertSamePixels(idx.test().tensor(0).storage(), 0, pkl.test().tensor(0).storage());
        assertArrayEquals(Arrays.copyOf(idx.valid().tensor(1).toIntArray(), 200), pkl.valid().tensor(1).toIntArray());
        assertArrayEquals(Arrays.copyOf(idx.test().tensor(1).toIntArray(), 200), pkl.test().tensor(1).toIntArray());
    }

    /** The pickle holds pixel / 256, the IDX reader pixel / 255. */
    private static void assertSamePixels(float[] idx, int from, float[] pkl) {
        for (int i = 0; i < pkl.length; i++) {
            assertEquals(Math.round(idx[from + i] * 255) / 256f, pkl[i], 0f, "pixel " + i);
        }
    }

    @Test
    void readsAPython2PickleOfByteStrings() throws IOException {
        Splits s = MnistPickle.load(write("py2.pkl.gz", TestFiles.gzip(PickleBuilder.lessonLayout(30))));
        assertEquals(30, s.train().size());
        assertEquals(30, s.test().size());
        assertArrayEquals(new int[] {30, 784}, s.valid().tensor(0).shape());
        assertEquals(2, s.valid().tensor(1).toIntArray()[1]);
        assertEquals(0.75f, s.test().get(7).x().get(7));
        assertEquals(0f, s.test().get(7).x().get(8));
    }

    @Test
    void readsAPlainPickleToo() throws IOException {
        assertEquals(5, MnistPickle.load(write("plain.pkl", PickleBuilder.lessonLayout(5))).train().size());
    }

    @Test
    void readsTheIntsAndBooleansOfProtocolsZeroAndOne() throws IOException {
        Path file = write("p1.pkl", "(I01\nI00\nI-7\nt.".getBytes(StandardCharsets.US_ASCII));
        try (DataFile in = DataFile.open(file)) {
            assertEquals(List.of(true, false, -7L), Unpickler.load(in));
        }
    }

    @Test
    void refusesEveryOtherGlobalNamingItAndItsOffset() throws IOException {
        byte[] osSystem = new PickleBuilder().proto(2).global("os", "system").str("echo hi").op(0x85, 'R').stop()
                .bytes();
        DatasetFormatException e = refused(osSystem);
        assertTrue(e.getMessage().contains("refused global os.system"), e.getMessage());
        assertEquals(2, e.offset());
        byte[] py2Eval = new PickleBuilder().proto(2).global("__builtin__", "eval").str("1").op(0x85, 'R').stop()
                .bytes();
        assertTrue(refused(py2Eval).getMessage().contains("__builtin__.eval"));
        byte[] stackGlobal = new PickleBuilder().proto(4).unicode("builtins").unicode("eval").op(0x93)
                .unicode("1").op(0x85, 'R').stop().bytes();
        DatasetFormatException eval = refused(stackGlobal);
        assertTrue(eval.getMessage().contains("builtins.eval"), eval.getMessage());
        assertEquals(2 + 13 + 9, eval.offset(), "the STACK_GLOBAL opcode");
    }

    @Test
    void refusesNumpyCallsThatDoNotBuildNumberArrays() throws IOException {
        byte[] objectDtype = new PickleBuilder().proto(2).global("numpy", "dtype").str("O8").int1(0).int1(1)
                .op(0x87, 'R').stop().bytes();
        assertTrue(refused(objectDtype).getMessage().contains("dtype"));
        byte[] reconstructOther = new PickleBuilder().proto(2).global("numpy.core.multiarray", "_reconstruct")
                .global("numpy", "dtype").int1(0).op(0x85).str("b").op(0x87, 'R').stop().bytes();
        assertTrue(refused(reconstructOther).getMessage().contains("_reconstruct builds only numpy.ndarray"));
        byte[] rot13 = new PickleBuilder().proto(2).global("_codecs", "encode").unicode("abc").unicode("rot13")
                .op(0x86, 'R').stop().bytes();
        assertTrue(refused(rot13).getMessage().contains("latin1"));
    }

    @Test
    void refusesAPickleOfAnotherLayout() throws IOException {
        byte[] pair = new PickleBuilder().proto(2).int1(1).int1(2).op(0x86).stop().bytes();
        assertTrue(refused(pair).getMessage().contains("((x_train, y_train)"));
    }

    @Test
    void namesALabelOutOfRangeAndItsOffset() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2);
        for (int split = 0; split < 3; split++) {
            p.floats(new float[2 * 784], 2, 784).longs(new long[] {3, split == 1 ? 10 : 4}).op(0x86);
        }
        byte[] bytes = p.op(0x87).stop().bytes();
        DatasetFormatException e = refused(bytes);
        assertTrue(e.getMessage().contains("label 10 of y_valid[1] is out of range 0..9"), e.getMessage());
        byte[] label = {10, 0, 0, 0, 0, 0, 0, 0};
        int at = indexOf(bytes, label);
        assertEquals(at, e.offset());
    }

    @Test
    void refusesArrayDataThatDoesNotFitItsShape() throws IOException {
        byte[] bad = new PickleBuilder().proto(2).array(new int[] {2, 784}, "f4", new byte[100]).stop().bytes();
        assertTrue(refused(bad).getMessage().contains("needs 6272 bytes, but its data holds 100"));
    }

    @Test
    void truncatedOrCorruptFilesNameTheProblem() throws IOException {
        byte[] good = PickleBuilder.lessonLayout(4);
        Path cut = write("cut.pkl", Arrays.copyOf(good, 3000));
        var e = assertThrows(DatasetFormatException.class, () -> MnistPickle.load(cut));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("byte string"), e.getMessage());
        byte[] gz = TestFiles.gzip(good);
        Path cutGz = write("cut.pkl.gz", Arrays.copyOf(gz, gz.length / 2));
        var g = assertThrows(DatasetFormatException.class, () -> MnistPickle.load(cutGz));
        assertTrue(g.getMessage().contains("gzip") || g.getMessage().contains("truncated"), g.getMessage());
        byte[] corrupt = gz.clone();
        for (int i = 20; i < 60; i++) {
            corrupt[i] ^= 0x5a;
        }
        Path bad = write("corrupt.pkl.gz", corrupt);
        assertThrows(DatasetFormatException.class, () -> MnistPickle.load(bad));
        assertTrue(refused(new byte[] {(byte) 0x80, 2, 'K'}).getMessage().contains("truncated"));
        assertTrue(refused(new byte[] {(byte) 0x80, 2, 'Z', '.'}).getMessage()
                .contains("unsupported pickle opcode 0x5a"));
    }

    @Test
    void boundsTheMachine() throws IOException {
        byte[] marks = new byte[5000];
        Arrays.fill(marks, (byte) '(');
        assertTrue(refused(marks).getMessage().contains("nests deeper"));
        assertTrue(refused(new byte[] {'h', 7, '.'}).getMessage().contains("memo index 7 was never stored"));
        assertTrue(refused(new byte[] {'t', '.'}).getMessage().contains("no MARK"));
        assertTrue(refused(new byte[] {'R'}).getMessage().contains("underflow"));
        assertTrue(refused(new byte[] {'K', 1, 'K', 2, 'a', '.'}).getMessage().contains("not a list"));
        byte[] junk = "garbage".getBytes(StandardCharsets.US_ASCII);
        assertThrows(DatasetFormatException.class, () -> MnistPickle.load(write("junk.pkl", junk)));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
