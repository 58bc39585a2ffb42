package dev.minibatch.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST: a magic number
 * {@code 00 00 08 rank}, {@code rank} big-endian sizes, then the bytes in row-major order, nothing after.
 * The header is checked in full before the data is read, and the data must be exactly what it announces.
 */
record Idx(Path file, int[] dims, byte[] data) {
    private static final int UNSIGNED_BYTE = 0x08;

    static Idx read(Path file, int rank, String what) throws IOException {
        try (DataFile in = DataFile.open(file)) {
            int magic = in.readIntBigEndian("the magic number");
            int expected = UNSIGNED_BYTE << 8 | rank;
            if (magic != expected) {
                throw in.error(0, String.format("wrong magic number 0x%08x, expected 0x%08x (IDX unsigned bytes, "
                        + "%d dimension%s: %s)", magic, expected, rank, rank == 1 ? "" : "s", what));
            }
            int[] dims = new int[rank];
            long count = 1;
            for (int d = 0; d < rank; d++) {
                long at = in.offset();
                dims[d] = in.readIntBigEndian("the size of dimension " + d);
                if (dims[d] < 0) {
                    throw in.error(at, "size of dimension " + d + " is " + Integer.toUnsignedString(dims[d])
                            + ", more than this reader supports");
                }
                count *= dims[d];
                if (count > Integer.MAX_VALUE) {
                    throw in.error(at, "sizes " + Arrays.toString(Arrays.copyOf(dims, d + 1))
                            + " make more than " + Integer.MAX_VALUE + " bytes");
                }
            }
            byte[] data = in.readBytes(count, "data of shape " + Arrays.toString(dims));
            in.expectEnd("the " + count + " bytes of data of shape " + Arrays.toString(dims));
            return new Idx(file, dims, data);
        }
    }

    /** The byte offset of data element {@code i}, for messages. */
    long offsetOf(long i) {
        return 4L + 4L * dims.length + i;
    }
}
