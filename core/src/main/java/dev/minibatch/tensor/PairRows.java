package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

import static dev.minibatch.tensor.VectorMicroKernels.L;
import static dev.minibatch.tensor.VectorMicroKernels.S;

/**
 * A row of at most two vectors split into its even and its odd columns, and put back together: the 2x2 max
 * pooling's ({@link VectorKernels#maxPool2x2Rows}) reads and writes of a pair of rows in place, with one-vector
 * rearranges and a blend (on JDK 17 the two-vector rearrange is no intrinsic, and gathers cost a load per lane).
 * Lane i of a split row is column 2i; lanes past the row's hold what lies after it.
 */
final class PairRows {
    /** Lane i to column 2i, the lanes of a second vector to the upper half; then the odd columns. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    /** Lanes 2i and 2i + 1 from lane i of the lower half, or of the upper. */
    private static final VectorShuffle<Float> LOWER_PAIRS = VectorShuffle.fromOp(S, i -> i / 2);
    private static final VectorShuffle<Float> UPPER_PAIRS = VectorShuffle.fromOp(S, i -> L / 2 + i / 2);
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(S, -1L << (L / 2));
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL);
    /** Column 2i for lane i: a window's first corner. */
    static final int[] EVEN_COLUMNS = evenColumns();

    private PairRows() {
    }

    /** Rows that two vectors cover, on vectors of at least four lanes. */
    static boolean fits(int w) {
        return L >= 4 && w % 2 == 0 && w <= 2 * L;
    }

    /** The even columns of the row at x[at]: one vector's, or ({@code two}) two vectors'. */
    static FloatVector even(float[] x, int at, boolean two) {
        FloatVector low = FloatVector.fromArray(S, x, at).rearrange(EVEN);
        return two ? low.blend(FloatVector.fromArray(S, x, at + L).rearrange(EVEN), UPPER) : low;
    }

    /** The odd columns of the row at x[at]. */
    static FloatVector odd(float[] x, int at, boolean two) {
        FloatVector low = FloatVector.fromArray(S, x, at).rearrange(ODD);
        return two ? low.blend(FloatVector.fromArray(S, x, at + L).rearrange(ODD), UPPER) : low;
    }

    /** Even columns from {@code even}, odd from {@code odd}, written to the row at g[at]: one vector, or two. */
    static void interleave(FloatVector even, FloatVector odd, float[] g, int at, boolean two) {
        even.rearrange(LOWER_PAIRS).blend(odd.rearrange(LOWER_PAIRS), ODD_LANES).intoArray(g, at);
        if (two) {
            even.rearrange(UPPER_PAIRS).blend(odd.rearrange(UPPER_PAIRS), ODD_LANES).intoArray(g, at + L);
        }
    }

    private static int[] evenColumns() {
        int[] columns = new int[L];
        for (int i = 0; i < L; i++) {
            columns[i] = 2 * i;
        }
        return columns;
    }
}
