package dev.minibatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared folder beside the repository: PyTorch's reference values and the MNIST files. */
public final class Fixtures {
    private static JsonNode reference;
    private static JsonNode cnnReference;
    private static boolean announced;

    private Fixtures() {
    }

    /**
     * {@code ../shared} beside the repository, or the folder the build passes as {@code minibatch.shared}.
     * When it is absent (a plain clone), the test that asked for it is skipped with a message saying so,
     * as is the test class when a {@code @BeforeAll} asked; CI ({@code .ci/run}) checks that it is present,
     * so that no test is skipped there.
     */
    public static Path shared() {
        String p = System.getProperty("minibatch.shared");
        try {
            return present(p != null ? Path.of(p) : Path.of("..", "..", "shared"));
        } catch (TestAbortedException e) {
            announce(e.getMessage()); // surefire shows no reason for a class skipped in @BeforeAll
            throw e;
        }
    }

    /** {@code dir} if it holds the fixtures; else the test is aborted, so reported as skipped, with the reason. */
    static Path present(Path dir) {
        if (!Files.isDirectory(dir.resolve("fixtures"))) {
            Assumptions.abort("the shared folder beside the repository, ../shared (PyTorch's reference values and "
                    + "MNIST), is absent: " + dir.toAbsolutePath().normalize());
        }
        return dir;
    }

    private static synchronized void announce(String message) {
        if (!announced) {
            announced = true;
            System.err.println("Skipping the tests that need it: " + message);
        }
    }

    public static Path mnistDir() {
        return shared().resolve("data").resolve("mnist");
    }

    /** {@code torch_reference.json}, parsed once. */
    public static synchronized JsonNode torch() {
        if (reference == null) {
            reference = read("torch_reference.json");
        }
        return reference;
    }

    /** {@code torch_reference_cnn.json} (convolutions, pooling, batch norm, a CNN, LR schedulers), parsed once. */
    public static synchronized JsonNode torchCnn() {
        if (cnnReference == null) {
            cnnReference = read("torch_reference_cnn.json");
        }
        return cnnReference;
    }

    private static JsonNode read(String name) {
        try {
            return new ObjectMapper().readTree(Files.readAllBytes(shared().resolve("fixtures").resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code {"shape": [...], "data": [...]}} node as a tensor. */
    public static Tensor tensor(JsonNode node) {
        JsonNode shapeNode = node.get("shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asInt();
        }
        JsonNode data = node.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        return Tensor.of(values, shape);
    }

    /** A list of ints (targets) as an int32 tensor. */
    public static Tensor ints(JsonNode node) {
        int[] v = new int[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asInt();
        }
        return Tensor.ofInts(v, v.length);
    }

    /** Asserts {@code |a - e| <= atol + rtol * |e|} for every element, naming the first that fails. */
    public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            double tol = atol + rtol * Math.abs(e[i]);
            if (!(Math.abs(a[i] - e[i]) <= tol)) {
                org.junit.jupiter.api.Assertions.fail(what + ": element " + i + " is " + a[i] + ", expected "
                        + e[i] + " (tolerance " + tol + ")");
            }
        }
    }
}
