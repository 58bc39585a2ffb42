package dev.minibatch.nn;

import dev.minibatch.tensor.DType;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Buffers as PyTorch's {@code register_buffer} has them: saved and restored, never trained. */
class ModuleBuffersTest {
    /**
     * A normalisation-like layer: a sub-module declared first, a parameter, a float and an int buffer saved
     * in the state dict, and a scratch buffer that is not.
     */
    static final class Norm extends Module {
        final Linear proj = new Linear(2, 2);
        final Tensor scale = Parameter.of(Tensor.ones(2));
        final Tensor runningMean;
        final Tensor count;

        Norm() {
            runningMean = registerBuffer("running_mean", Tensor.zeros(2));
            count = registerBuffer("num_batches_tracked", Tensor.ofInts(new int[] {0}, new int[0]));
            registerBuffer("cache", Tensor.zeros(3), false);
        }

        @Override
        public Tensor forward(Tensor x) {
            return proj.forward(x.sub(runningMean).mul(scale));
        }

        Tensor buffer(String name, Tensor value, boolean persistent) {
            return registerBuffer(name, value, persistent);
        }
    }

    /** A Norm held in a field of another module. */
    static final class Net extends Module {
        final Linear head = new Linear(2, 2);
        final Norm norm = new Norm();

        @Override
        public Tensor forward(Tensor x) {
            return norm.forward(head.forward(x));
        }
    }

    @Test
    void stateDictHoldsOwnParametersThenPersistentBuffersThenChildren() {
        Sequential model = new Sequential(new Norm(), new Linear(2, 2));
        // PyTorch's _save_to_state_dict: _parameters, then persistent _buffers, then each of _modules.
        assertEquals(List.of("0.scale", "0.running_mean", "0.num_batches_tracked", "0.proj.weight", "0.proj.bias",
                "1.weight", "1.bias"), List.copyOf(model.stateDict().keySet()));
        assertEquals(DType.INT32, model.stateDict().get("0.num_batches_tracked").dtype());
    }

    @Test
    void buffersAreListedUnderTheirPathButAreNotParameters() {
        Net net = new Net();
        assertEquals(List.of("norm.running_mean", "norm.num_batches_tracked", "norm.cache"),
                List.copyOf(net.namedBuffers().keySet()), "non-persistent buffers are buffers too");
        assertEquals(List.of(net.norm.runningMean, net.norm.count, net.norm.namedBuffers().get("cache")),
                net.buffers());
        assertEquals(List.of("head.weight", "head.bias", "norm.scale", "norm.proj.weight", "norm.proj.bias"),
                List.copyOf(net.namedParameters().keySet()));
        assertFalse(net.norm.runningMean.requiresGrad());
    }

    @Test
    void aModuleUsedTwiceListsItsBuffersOnceButSavesThemUnderEachName() {
        Norm shared = new Norm();
        Sequential model = new Sequential(shared, shared);
        assertEquals(List.of("0.running_mean", "0.num_batches_tracked", "0.cache"),
                List.copyOf(model.namedBuffers().keySet()));
        assertEquals(List.of("0.scale", "0.running_mean", "0.num_batches_tracked", "0.proj.weight", "0.proj.bias",
                "1.scale", "1.running_mean", "1.num_batches_tracked", "1.proj.weight", "1.proj.bias"),
                List.copyOf(model.stateDict().keySet()));
    }

    @Test
    void roundTripRestoresFloatAndIntBuffersByCopying() {
        Net a = new Net();
        a.norm.runningMean.storage()[1] = 0.5f;
        a.norm.count.intStorage()[0] = 7;
        Net b = new Net();
        b.loadStateDict(a.stateDict());
        assertArrayEquals(new float[] {0f, 0.5f}, b.norm.runningMean.toFloatArray());
        assertEquals(7, b.norm.count.intStorage()[0]);
        a.norm.count.intStorage()[0] = 8;
        assertEquals(7, b.norm.count.intStorage()[0], "loading copies, it does not share");
        a.stateDict().get("norm.running_mean").storage()[0] = 3f;
        assertEquals(3f, a.norm.runningMean.get(0), "the state dict shares storage with the buffer");
    }

    @Test
    void loadRefusesMissingUnexpectedMisShapedAndMistypedBuffersAndCopiesNothing() {
        Net net = new Net();
        float[] before = net.head.weight.toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(new Net().stateDict());
        state.get("head.weight").storage()[0] = 42f;
        state.remove("norm.running_mean");
        state.put("norm.running_var", Tensor.ones(2));
        state.put("norm.num_batches_tracked", Tensor.zeros(3));
        state.put("norm.scale", Tensor.ofInts(new int[] {1, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Net:\n"
                + "\tMissing key(s) in state_dict: \"norm.running_mean\".\n"
                + "\tUnexpected key(s) in state_dict: \"norm.running_var\".\n"
                + "\tdtype mismatch for norm.scale: copying an int32 tensor from checkpoint, the parameter in "
                + "current model is float32.\n"
                + "\tdtype mismatch for norm.num_batches_tracked: copying a float32 tensor from checkpoint, the "
                + "buffer in current model is int32.", e.getMessage());
        assertArrayEquals(before, net.head.weight.toFloatArray(), "nothing was copied");

        state.put("norm.running_mean", Tensor.zeros(3));
        state.put("norm.num_batches_tracked", Tensor.ofInts(new int[] {1}, new int[0]));
        state.put("norm.scale", Tensor.ones(2));
        state.remove("norm.running_var");
        e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Net:\n"
                + "\tsize mismatch for norm.running_mean: copying a param with shape [3] from checkpoint, the "
                + "shape in current model is [2].", e.getMessage());
        assertEquals(0, net.norm.count.intStorage()[0], "nothing was copied");
    }

    @Test
    void nonPersistentBuffersAreNeitherSavedNorExpected() {
        Norm n = new Norm();
        assertFalse(n.stateDict().containsKey("cache"));
        n.loadStateDict(new Norm().stateDict());
    }

    @Test
    void registeringAgainReplacesTheBufferInItsPlace() {
        Norm n = new Norm();
        Tensor mean = n.buffer("running_mean", Tensor.ones(2), true);
        assertSame(mean, n.namedBuffers().get("running_mean"));
        assertEquals(List.of("running_mean", "num_batches_tracked", "cache"), List.copyOf(n.namedBuffers().keySet()));
        n.buffer("cache", n.namedBuffers().get("cache"), true);
        assertTrue(n.stateDict().containsKey("cache"), "registered again as persistent");
        n.buffer("running_mean", Tensor.ones(2), false);
        assertFalse(n.stateDict().containsKey("running_mean"), "registered again as not persistent");
    }

    @Test
    void aNullBufferReservesItsNameButIsNeitherListedNorSaved() {
        Norm n = new Norm();
        n.buffer("running_mean", null, true);
        assertEquals(List.of("num_batches_tracked", "cache"), List.copyOf(n.namedBuffers().keySet()));
        assertFalse(n.stateDict().containsKey("running_mean"));
        assertThrows(IllegalArgumentException.class, () -> n.register("running_mean", new ReLU()));
    }

    @Test
    void namesMustNotClashWithParametersSubModulesOrFields() {
        Norm n = new Norm();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> n.buffer("scale", Tensor.zeros(2), true));
        assertEquals("registerBuffer: attribute 'scale' already exists (a field of Norm)", e.getMessage());
        n.register("extra", new ReLU());
        e = assertThrows(IllegalArgumentException.class, () -> n.buffer("extra", Tensor.zeros(2), true));
        assertEquals("registerBuffer: attribute 'extra' already exists (a sub-module of Norm)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> n.register("cache", new ReLU()));
        assertEquals("register: attribute 'cache' already exists (a buffer of Norm)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> n.buffer("a.b", Tensor.zeros(1), true));
        assertThrows(IllegalArgumentException.class, () -> n.buffer("", Tensor.zeros(1), true));
    }
}
