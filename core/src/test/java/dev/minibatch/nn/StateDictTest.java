package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StateDictTest {
    @Test
    void stateDictNamesEveryParameterInPyTorchOrderAndSharesStorage() {
        Sequential model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        LinkedHashMap<String, Tensor> state = model.stateDict();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(state.keySet()));
        Linear first = (Linear) model.get(0);
        assertArrayEquals(new int[] {3, 4}, state.get("0.weight").shape());
        state.get("0.bias").storage()[1] = 42f;
        assertEquals(42f, first.bias.get(1), "values share storage with the parameters, as in PyTorch");
        assertEquals(false, state.get("0.weight").requiresGrad(), "values are detached");
    }

    @Test
    void loadStateDictCopiesValues() {
        Sequential a = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        Sequential b = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        b.loadStateDict(a.stateDict());
        Map<String, Tensor> sa = a.stateDict();
        b.stateDict().forEach((name, t) -> assertArrayEquals(sa.get(name).toFloatArray(), t.toFloatArray(), name));
        float loaded = b.stateDict().get("2.bias").get(0);
        sa.get("2.bias").storage()[0] = 42f;
        assertEquals(loaded, b.stateDict().get("2.bias").get(0), "loading copies, it does not share");
    }

    @Test
    void loadStateDictNamesEveryProblemAndCopiesNothing() {
        Sequential model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        float[] before = ((Linear) model.get(0)).weight.toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(new Sequential(new Linear(4, 3), new ReLU(),
                new Linear(3, 5)).stateDict());
        state.remove("0.bias");
        state.put("fc.weight", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Sequential:\n"
                + "\tMissing key(s) in state_dict: \"0.bias\".\n"
                + "\tUnexpected key(s) in state_dict: \"fc.weight\".\n"
                + "\tsize mismatch for 2.weight: copying a param with shape [5, 3] from checkpoint, "
                + "the shape in current model is [2, 3].\n"
                + "\tsize mismatch for 2.bias: copying a param with shape [5] from checkpoint, "
                + "the shape in current model is [2].", e.getMessage());
        assertArrayEquals(before, ((Linear) model.get(0)).weight.toFloatArray(), "nothing was copied");
    }

    @Test
    void loadStateDictRefusesIntTensors() {
        Linear l = new Linear(2, 1);
        Map<String, Tensor> state = Map.of("weight", Tensor.ofInts(new int[] {1, 2}, 1, 2),
                "bias", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tdtype mismatch for weight: copying an int32 "
                + "tensor from checkpoint, the parameter in current model is float32.", e.getMessage());
    }
}
