package dev.minibatch.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** The bytes of a safetensors file, read by position: from memory or from an open file. */
abstract class SafetensorsSource {
    private final String name;

    private SafetensorsSource(String name) {
        this.name = name;
    }

    static SafetensorsSource of(byte[] bytes, String name) {
        return new SafetensorsSource(name) {
            @Override
            long size() {
                return bytes.length;
            }

            @Override
            ByteBuffer read(long position, int length) {
                return ByteBuffer.wrap(bytes, (int) position, length).slice().order(ByteOrder.LITTLE_ENDIAN);
            }
        };
    }

    static SafetensorsSource of(FileChannel channel, String name) throws IOException {
        long size = channel.size();
        return new SafetensorsSource(name) {
            @Override
            long size() {
                return size;
            }

            @Override
            ByteBuffer read(long position, int length) throws IOException {
                ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, position + buffer.position()) < 0) {
                        throw error(position + buffer.position(), "the file ended early (was it truncated while"
                                + " being read?)");
                    }
                }
                return buffer.flip();
            }
        };
    }

    /** The size of the whole file in bytes. */
    abstract long size();

    /**
     * {@code length} bytes from {@code position}, little-endian; callers have checked that they lie
     * inside {@link #size()}.
     */
    abstract ByteBuffer read(long position, int length) throws IOException;

    SafetensorsFormatException error(long offset, String problem) {
        return new SafetensorsFormatException(name, offset, problem);
    }
}
