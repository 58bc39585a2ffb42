package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}), with the platform's widest vectors. Loaded
 * only by {@link KernelsHolder} when the module is present. The elementwise kernels do the same float
 * operations in the same order as {@link PlainKernels} (a multiply then an add, never a fused one), so
 * the two give bit-identical results, and {@link #gemm} sums in {@link PlainGemm}'s order, for the same bits;
 * the convolution kernels differ by rounding.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        VectorGemm.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }

    @Override
    public void gemmUnrolled(float[] a, int aOff, int[] rows, int[] cols, float[] b, int bOff, int ldb, int n,
                             float[] c, int cOff, boolean accumulate) {
        VectorUnrolledGemm.gemm(a, aOff, rows, cols, b, bOff, ldb, n, c, cOff, accumulate);
    }

    @Override
    public void correlate(float[] in, int inOff, int[] taps, float[] w, int wOff, int ldw, int n, int span,
                          float[] out, int outOff, int ldo) {
        VectorCorrelation.correlate(in, inOff, taps, w, wOff, ldw, n, span, out, outOff, ldo);
    }

    @Override
    public void correlateWeights(float[] g, int gOff, int ldg, int gImage, int n, float[] in, int inOff, int inImage,
                                 int[] taps, int span, int images, float[] dw, int dwOff, int ldw, boolean accumulate) {
        VectorCorrelationWeights.correlateWeights(g, gOff, ldg, gImage, n, in, inOff, inImage, taps, span, images, dw,
                dwOff, ldw, accumulate);
    }

    @Override
    public void correlateWeightsRows(float[] in, int inOff, int[] rows, int width, float[] g, int gOff, int ldg,
                                     int n, int span, float[] dw, int dwOff, int ldw, boolean accumulate) {
        VectorCorrelationRows.correlateWeightsRows(in, inOff, rows, width, g, gOff, ldg, n, span, dw, dwOff, ldw,
                accumulate);
    }

    /**
     * Whole vectors of windows, their four corners gathered through {@code corners}; each pair is compared as
     * the plain kernel does, lane by lane, so the two give the same results. The windows past the last whole
     * vector go through the plain kernel.
     */
    @Override
    public void maxPool2x2(float[] x, int xFrom, int w, int[] corners, int count, float[] out, int[] argmax,
                           int outFrom) {
        int j = 0;
        for (; j + L <= count; j += L) {
            IntVector at = IntVector.fromArray(I, corners, j).add(xFrom);
            FloatVector a = FloatVector.fromArray(S, x, xFrom, corners, j);
            FloatVector b = FloatVector.fromArray(S, x, xFrom + 1, corners, j);
            VectorMask<Float> left = keeps(a, b);
            FloatVector top = b.blend(a, left);
            IntVector topAt = at.add(1).blend(at, left.cast(I));
            FloatVector c = FloatVector.fromArray(S, x, xFrom + w, corners, j);
            FloatVector d = FloatVector.fromArray(S, x, xFrom + w + 1, corners, j);
            VectorMask<Float> lowLeft = keeps(c, d);
            FloatVector bottom = d.blend(c, lowLeft);
            IntVector bottomAt = at.add(w + 1).blend(at.add(w), lowLeft.cast(I));
            VectorMask<Float> high = keeps(top, bottom);
            bottom.blend(top, high).intoArray(out, outFrom + j);
            bottomAt.blend(topAt, high.cast(I)).intoArray(argmax, outFrom + j);
        }
        PlainKernels.maxPool2x2(x, xFrom, w, corners, j, count, out, argmax, outFrom);
    }

    /**
     * Four scatters per run of windows, one per position in the window, each writing the gradient where the
     * position holds the maximum and zero elsewhere: no branch, and no zeroing before. Plain Java's
     * branch on each window's maximum mispredicted half the time (the ReLU zeroes about half the windows).
     */
    @Override
    public void maxPool2x2Backward(float[] gOut, float[] values, int[] argmax, int from, int[] corners, int count,
                                   int w, float[] g, int gFrom) {
        FloatVector zero = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= count; j += L) {
            IntVector c = IntVector.fromArray(I, corners, j);
            IntVector at = IntVector.fromArray(I, argmax, from + j);
            FloatVector v = zero.add(FloatVector.fromArray(S, gOut, from + j));
            v = zero.blend(v, FloatVector.fromArray(S, values, from + j).compare(VectorOperators.GT, 0f));
            zero.blend(v, at.compare(VectorOperators.EQ, c).cast(S)).intoArray(g, gFrom, corners, j);
            zero.blend(v, at.compare(VectorOperators.EQ, c.add(1)).cast(S)).intoArray(g, gFrom + 1, corners, j);
            zero.blend(v, at.compare(VectorOperators.EQ, c.add(w)).cast(S)).intoArray(g, gFrom + w, corners, j);
            zero.blend(v, at.compare(VectorOperators.EQ, c.add(w + 1)).cast(S)).intoArray(g, gFrom + w + 1, corners, j);
        }
        PlainKernels.maxPool2x2Backward(gOut, values, argmax, from, corners, j, count, w, g, gFrom);
    }

    /**
     * A pair of rows at most two vectors wide per step, read in place: each row's even and odd columns
     * separated by one-vector rearranges (the two-vector one is no intrinsic on JDK 17), then compared as
     * {@link #maxPool2x2} compares the gathered corners, for the same results. A step writes a whole vector of
     * windows; the lanes past the pair's are the next pair's, written again in their turn. The pairs whose
     * vectors would reach past the windows' or the plane's arrays go through the plain kernel.
     */
    @Override
    public void maxPool2x2Rows(float[] x, int xFrom, int w, int pairs, float[] out, int[] argmax, int outFrom) {
        int half = w / 2;
        int r = 0;
        if (PairRows.fits(w)) {
            boolean two = w > L;
            int read = w + (two ? 2 * L : L);
            IntVector columns = IntVector.fromArray(I, PairRows.EVEN_COLUMNS, 0);
            for (; r * half + L <= pairs * half && xFrom + 2 * w * r + read <= x.length; r++) {
                int t = xFrom + 2 * w * r;
                FloatVector a = PairRows.even(x, t, two);
                FloatVector b = PairRows.odd(x, t, two);
                VectorMask<Float> left = keeps(a, b);
                FloatVector top = b.blend(a, left);
                IntVector at = columns.add(t);
                IntVector topAt = at.add(1).blend(at, left.cast(I));
                FloatVector c = PairRows.even(x, t + w, two);
                FloatVector d = PairRows.odd(x, t + w, two);
                VectorMask<Float> lowLeft = keeps(c, d);
                FloatVector bottom = d.blend(c, lowLeft);
                IntVector bottomAt = at.add(w + 1).blend(at.add(w), lowLeft.cast(I));
                VectorMask<Float> high = keeps(top, bottom);
                bottom.blend(top, high).intoArray(out, outFrom + r * half);
                bottomAt.blend(topAt, high.cast(I)).intoArray(argmax, outFrom + r * half);
            }
        }
        PlainKernels.maxPool2x2Rows(x, xFrom, w, r, pairs, out, argmax, outFrom);
    }

    /**
     * A pair of rows per step, as {@link #maxPool2x2Rows} reads them: each of a window's four positions takes
     * the gradient where it holds the maximum, and the even and odd columns are put back together by one-vector
     * rearranges. The columns past the pair's are the next pair's, written again in their turn.
     */
    @Override
    public void maxPool2x2RowsBackward(float[] gOut, float[] values, int[] argmax, int from, int pairs, int w,
                                       float[] g, int gFrom) {
        int half = w / 2;
        int r = 0;
        if (PairRows.fits(w)) {
            boolean two = w > L;
            int written = w + (two ? 2 * L : L);
            FloatVector zero = FloatVector.zero(S);
            IntVector columns = IntVector.fromArray(I, PairRows.EVEN_COLUMNS, 0);
            for (; r * half + L <= pairs * half && 2 * w * r + written <= 2 * w * pairs; r++) {
                int j = from + r * half;
                int c = 2 * w * r;
                IntVector at = IntVector.fromArray(I, argmax, j);
                FloatVector v = zero.add(FloatVector.fromArray(S, gOut, j));
                v = zero.blend(v, FloatVector.fromArray(S, values, j).compare(VectorOperators.GT, 0f));
                IntVector a = columns.add(c);
                FloatVector va = zero.blend(v, at.compare(VectorOperators.EQ, a).cast(S));
                FloatVector vb = zero.blend(v, at.compare(VectorOperators.EQ, a.add(1)).cast(S));
                FloatVector vc = zero.blend(v, at.compare(VectorOperators.EQ, a.add(w)).cast(S));
                FloatVector vd = zero.blend(v, at.compare(VectorOperators.EQ, a.add(w + 1)).cast(S));
                PairRows.interleave(va, vb, g, gFrom + c, two);
                PairRows.interleave(vc, vd, g, gFrom + c + w, two);
            }
        }
        PlainKernels.maxPool2x2RowsBackward(gOut, values, argmax, from, r, pairs, w, g, gFrom);
    }

    /**
     * The lanes where a window scanned from {@code a} keeps a over b: {@code b <= a}, or a NaN. It is the
     * complement of "b larger, or NaN while a is not", in two comparisons and one mask operation where that
     * took three and two: with three calls of that, C2 stopped inlining at its node-count cutoff, and the
     * third ran as a call on boxed vectors, many times slower.
     */
    private static VectorMask<Float> keeps(FloatVector a, FloatVector b) {
        return b.compare(VectorOperators.LE, a).or(a.compare(VectorOperators.NE, a));
    }

    @Override
    public void addRowVector(float[] a, float[] row, float[] out, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, a, o + c).add(FloatVector.fromArray(S, row, c)).intoArray(out, o + c);
            }
            for (; c < cols; c++) {
                out[o + c] = a[o + c] + row[c];
            }
        }
    }

    @Override
    public void addRowVectorRelu(float[] a, float[] row, float[] out, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, a, o + c).add(FloatVector.fromArray(S, row, c)).max(0f)
                        .intoArray(out, o + c);
            }
            for (; c < cols; c++) {
                out[o + c] = Math.max(a[o + c] + row[c], 0f);
            }
        }
    }

    @Override
    public void sumRows(float[] a, float[] out, int rows, int cols, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(out, 0, cols, 0f);
        }
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, out, c).add(FloatVector.fromArray(S, a, o + c)).intoArray(out, c);
            }
            for (; c < cols; c++) {
                out[c] += a[o + c];
            }
        }
    }

    @Override
    public void winogradInput(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        int done = VectorWinogradRows.input(src, srcOff, rows, dst, dstOff, dstStride, n);
        WinogradRows.input(src, srcOff, rows, dst, dstOff, dstStride, done, n);
    }

    @Override
    public void winogradOutput(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n) {
        int done = VectorWinogradRows.output(src, srcOff, rows, dst, dstOff, dstStride, n);
        WinogradRows.output(src, srcOff, rows, dst, dstOff, dstStride, done, n);
    }

    @Override
    public void winogradOutputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride,
                                   int n) {
        int done = VectorWinogradRows.outputGrad(src, srcOff, rows, dst, dstOff, dstStride, n);
        WinogradRows.outputGrad(src, srcOff, rows, dst, dstOff, dstStride, done, n);
    }

    @Override
    public void winogradInputGrad(float[] src, int srcOff, int[] rows, float[] dst, int dstOff, int dstStride, int n,
                                  boolean last) {
        int done = VectorWinogradRows.inputGrad(src, srcOff, rows, dst, dstOff, dstStride, last, n);
        WinogradRows.inputGrad(src, srcOff, rows, dst, dstOff, dstStride, last, done, n);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).add(FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(float[] a, float[] b, float[] out, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    @Override
    public void mul(float[] a, float[] b, float[] out, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = a[i] * b[i];
        }
    }

    @Override
    public void relu(float[] a, float[] out, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, i).max(0f).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = Math.max(a[i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] y, float[] g, float[] out, int from, int n) {
        FloatVector zero = FloatVector.zero(S);
        int bound = from + S.loopBound(n);
        int i = from;
        for (; i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            zero.blend(gv, FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (int end = from + n; i < end; i++) {
            out[i] = y[i] > 0f ? g[i] : 0f;
        }
    }

    /**
     * In two vectors of float partial sums, alternately, the last vector partial; then the two added, their
     * lanes reduced, and the total added in double. Where the plain kernel's double chains took 5% of an anchor
     * CNN step.
     */
    @Override
    public void sumPlanes(float[] a, int from, int planes, int plane, double[] sums, int at) {
        int whole = plane / L * L;
        // The last partial vector, copied into zeros: a masked load is no intrinsic on JDK 17 (each one boxed).
        float[] rest = new float[L];
        for (int p = 0; p < planes; p++) {
            int base = from + p * plane;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            int i = 0;
            for (; i + 2 * L <= whole; i += 2 * L) {
                s0 = s0.add(FloatVector.fromArray(S, a, base + i));
                s1 = s1.add(FloatVector.fromArray(S, a, base + i + L));
            }
            if (i < whole) {
                s0 = s0.add(FloatVector.fromArray(S, a, base + i));
            }
            if (whole < plane) {
                System.arraycopy(a, base + whole, rest, 0, plane - whole);
                s1 = s1.add(FloatVector.fromArray(S, rest, 0));
            }
            sums[at + p] += s0.add(s1).reduceLanes(VectorOperators.ADD);
        }
    }

    /** The plain kernel's test ({@link PlainKernels#nonFiniteBits}) on the bits of whole vectors, then its tail. */
    @Override
    public boolean allFinite(float[] a, int n) {
        IntVector any = IntVector.zero(I);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            IntVector bits = FloatVector.fromArray(S, a, i).reinterpretAsInts();
            any = any.or(bits.and(PlainKernels.EXPONENT).add(PlainKernels.EXPONENT_ONE));
        }
        return (any.reduceLanes(VectorOperators.OR) | PlainKernels.nonFiniteBits(a, i, n)) >= 0;
    }
}
