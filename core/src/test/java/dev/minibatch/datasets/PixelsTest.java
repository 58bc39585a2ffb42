package dev.minibatch.datasets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PixelsTest {
    @Test
    void unitDividesEachByteBy255AsToTensorDoes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        float[] x = Pixels.unit(bytes, 0, 256);
        for (int i = 0; i < 256; i++) {
            assertEquals(i / 255f, x[i], "byte " + i);
        }
    }
}
