package dev.minibatch.train;

import dev.minibatch.io.Safetensors;
import dev.minibatch.io.AtomicFiles;
import dev.minibatch.tensor.Tensor;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@link CheckpointKillTest}: writes checkpoints whose every value is their
 * version number, and says on stdout how far it got so that the test can kill it at a chosen moment.
 * {@code halfway}: saves version 1, then stops forever in the middle of writing version 2.
 * {@code loop}: saves versions 1, 2, 3, ... until killed.
 */
public final class CheckpointWriterProcess {
    private CheckpointWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String mode = args[1];
        int floats = Integer.parseInt(args[2]);
        if (mode.equals("halfway")) {
            Safetensors.save(file, tensors(1, floats), Map.of("version", "1"));
            System.out.println("saved 1");
            AtomicFiles.write(file, out -> Safetensors.write(new PauseAfter(out, 2L * floats), tensors(2, floats),
                    Map.of("version", "2")));
        } else {
            for (int version = 1; ; version++) {
                Safetensors.save(file, tensors(version, floats), Map.of("version", Integer.toString(version)));
                System.out.println("saved " + version);
            }
        }
    }

    static Map<String, Tensor> tensors(int version, int floats) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layer.weight", Tensor.full(version, floats / 2));
        tensors.put("layer.bias", Tensor.full(version, floats - floats / 2));
        return tensors;
    }

    /** Announces "halfway" once {@code limit} bytes have gone through, then blocks until the process is killed. */
    private static final class PauseAfter extends FilterOutputStream {
        private final long limit;
        private long written;

        PauseAfter(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
            if (written >= limit) {
                out.flush();
                System.out.println("halfway 2");
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    throw new IOException("interrupted while paused", e);
                }
            }
        }
    }
}
