package dev.minibatch.optim;

import dev.minibatch.nn.Sequential;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerStateTest {
    private static Function<Sequential, Optimizer> optimizer(String setting, boolean restored) {
        // A restored optimizer is built with other settings: loading must bring back the saved ones.
        float lr = restored ? 0.01f : 0.1f;
        return switch (setting) {
            case "sgd_momentum" -> m -> SGD.builder(m.parameters()).lr(lr).momentum(restored ? 0.5f : 0.9f)
                    .dampening(restored ? 0 : 0.1f).weightDecay(1e-4f).build();
            case "sgd_nesterov" -> m -> SGD.builder(m.parameters()).lr(lr).momentum(0.9f).nesterov(true).build();
            case "adam_amsgrad" -> m -> Adam.builder(m.parameters()).lr(lr / 10).weightDecay(1e-3f)
                    .amsgrad(!restored).build();
            case "adamw" -> m -> AdamW.builder(m.parameters()).lr(lr / 10).betas(restored ? 0.8f : 0.9f, 0.99f).build();
            default -> throw new IllegalArgumentException(setting);
        };
    }

    /** A deep copy, as a checkpoint reads it back. */
    static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.isFloat() ? Tensor.wrap(v.toFloatArray(), v.shape())
                : Tensor.wrapInts(v.toIntArray(), v.shape())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_momentum", "sgd_nesterov", "adam_amsgrad", "adamw"})
    void restoredTrainingContinuesExactlyAsUninterrupted(String setting) {
        ReferenceMlp uninterrupted = new ReferenceMlp(optimizer(setting, false));
        for (int s = 0; s < 3; s++) {
            uninterrupted.step();
        }
        Map<String, Tensor> model = copy(uninterrupted.model.stateDict());
        Map<String, Tensor> optim = copy(uninterrupted.optimizer.stateDict());

        ReferenceMlp restored = new ReferenceMlp(optimizer(setting, true));
        restored.model.loadStateDict(model);
        restored.optimizer.loadStateDict(optim);
        for (int s = 0; s < 3; s++) {
            assertEquals(uninterrupted.step(), restored.step(), "loss " + s);
        }
        Map<String, Tensor> expected = uninterrupted.model.stateDict();
        restored.model.stateDict().forEach((name, t) ->
                assertArrayEquals(expected.get(name).toFloatArray(), t.toFloatArray(), name));
        Map<String, Tensor> expectedOptim = uninterrupted.optimizer.stateDict();
        Map<String, Tensor> restoredOptim = restored.optimizer.stateDict();
        assertEquals(expectedOptim.keySet(), restoredOptim.keySet());
        expectedOptim.forEach((name, t) ->
                assertArrayEquals(t.toFloatArray(), restoredOptim.get(name).toFloatArray(), name));
    }

    @Test
    void stateDictUsesPyTorchsNames() {
        ReferenceMlp sgd = new ReferenceMlp(m -> SGD.builder(m.parameters()).lr(0.1f).momentum(0.9f).build());
        sgd.step();
        assertEquals(List.of("state.0.momentum_buffer", "state.1.momentum_buffer", "state.2.momentum_buffer",
                        "state.3.momentum_buffer", "param_groups.0.lr", "param_groups.0.momentum",
                        "param_groups.0.dampening", "param_groups.0.weight_decay", "param_groups.0.nesterov",
                        "param_groups.0.params"),
                List.copyOf(sgd.optimizer.stateDict().keySet()));
        assertArrayEquals(new int[] {0, 1, 2, 3}, sgd.optimizer.stateDict().get("param_groups.0.params").toIntArray());

        ReferenceMlp adam = new ReferenceMlp(m -> Adam.builder(m.parameters()).amsgrad(true).build());
        adam.step();
        adam.step();
        Map<String, Tensor> state = adam.optimizer.stateDict();
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq"),
                List.copyOf(state.keySet()).subList(0, 4));
        assertEquals(2f, state.get("state.3.step").item());
        assertArrayEquals(new int[] {32, 784}, state.get("state.0.exp_avg").shape());
        assertEquals(List.of("param_groups.0.lr", "param_groups.0.betas", "param_groups.0.eps",
                "param_groups.0.weight_decay", "param_groups.0.amsgrad", "param_groups.0.params"),
                List.copyOf(state.keySet()).subList(16, 22));
    }

    @Test
    void foreignStateIsRefusedWithEveryProblemAndNothingChanges() {
        ReferenceMlp source = new ReferenceMlp(m -> Adam.builder(m.parameters()).build());
        source.step();
        Map<String, Tensor> state = copy(source.optimizer.stateDict());
        state.remove("param_groups.0.eps");
        state.put("state.1.exp_avg", Tensor.zeros(3));
        state.put("state.7.step", Tensor.scalar(1));
        state.put("state.0.momentum_buffer", Tensor.zeros(32, 784));
        state.put("param_groups.0.params", Tensor.ofInts(new int[] {0, 1}, 2));

        Adam target = Adam.builder(List.of(Tensor.zeros(32, 784).requiresGrad(true),
                Tensor.zeros(32).requiresGrad(true), Tensor.zeros(10, 32).requiresGrad(true),
                Tensor.zeros(10).requiresGrad(true))).lr(0.5f).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Adam:\n"
                + "\tmissing param_groups.0.eps\n"
                + "\tthe checkpoint is for 2 parameters in group 0, this optimizer has 4\n"
                + "\tstate.1.exp_avg must be a float32 tensor of shape [32], got float32 of shape [3]\n"
                + "\tstate.7.step is for parameter 7, this optimizer has 4\n"
                + "\tunexpected key state.0.momentum_buffer", e.getMessage());
        assertEquals(0.5f, target.lr());
        assertTrue(target.stateDict().keySet().stream().noneMatch(k -> k.startsWith("state.")));
    }

    @Test
    void incompleteOrInvalidStateIsRefused() {
        ReferenceMlp source = new ReferenceMlp(m -> Adam.builder(m.parameters()).amsgrad(true).build());
        source.step();
        Map<String, Tensor> state = copy(source.optimizer.stateDict());
        state.remove("state.2.max_exp_avg_sq");
        Optimizer target = new ReferenceMlp(m -> Adam.builder(m.parameters()).build()).optimizer;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Adam:\n\tmissing state.2.max_exp_avg_sq "
                + "(parameter 2 has [step, exp_avg, exp_avg_sq])", e.getMessage());

        Map<String, Tensor> negative = copy(source.optimizer.stateDict());
        negative.put("param_groups.0.lr", Tensor.scalar(-1));
        e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(negative));
        assertEquals("Adam: invalid learning rate -1.0 (must be >= 0)", e.getMessage());
        assertEquals(1e-3f, target.lr());
    }

    @Test
    void learningRateCanChangeBetweenSteps() {
        Tensor p = Tensor.of(new float[] {1}).requiresGrad(true);
        SGD sgd = SGD.builder(List.of(p)).lr(0.5f).build();
        sgd.setLr(0.25f);
        p.setGrad(Tensor.of(new float[] {2}));
        sgd.step();
        assertEquals(0.5f, p.get(0));
        assertEquals(0.25f, sgd.stateDict().get("param_groups.0.lr").item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.setLr(-1));
        assertEquals("SGD: invalid learning rate -1.0 (must be >= 0)", e.getMessage());
    }

    /** Two groups: the first layer, and the second with its own learning rate (and betas for Adam). */
    private static Function<Sequential, Optimizer> twoGroups(String setting, boolean restored) {
        float lr = restored ? 0.5f : 0.05f;
        return switch (setting) {
            case "sgd" -> m -> SGD.builder(m.parameters().subList(0, 2))
                    .group(m.parameters().subList(2, 4), g -> g.lr(lr).dampening(0.1f))
                    .lr(0.1f).momentum(0.9f).build();
            case "adam" -> m -> Adam.builder(m.parameters().subList(0, 2))
                    .group(m.parameters().subList(2, 4), g -> g.lr(lr / 10).betas(restored ? 0.9f : 0.8f, 0.99f))
                    .build();
            default -> throw new IllegalArgumentException(setting);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void restoredGroupsContinueExactlyAsUninterrupted(String setting) {
        ReferenceMlp uninterrupted = new ReferenceMlp(twoGroups(setting, false));
        uninterrupted.step();
        uninterrupted.step();
        Map<String, Tensor> model = copy(uninterrupted.model.stateDict());
        Map<String, Tensor> optim = copy(uninterrupted.optimizer.stateDict());
        assertArrayEquals(new int[] {2, 3}, optim.get("param_groups.1.params").toIntArray());
        assertTrue(optim.containsKey("state.3." + (setting.equals("sgd") ? "momentum_buffer" : "exp_avg")));

        ReferenceMlp restored = new ReferenceMlp(twoGroups(setting, true));
        restored.model.loadStateDict(model);
        restored.optimizer.loadStateDict(optim);
        assertEquals(uninterrupted.optimizer.paramGroups().get(1).lr(), restored.optimizer.paramGroups().get(1).lr());
        for (int s = 0; s < 3; s++) {
            assertEquals(uninterrupted.step(), restored.step(), "loss " + s);
        }
        Map<String, Tensor> expected = uninterrupted.model.stateDict();
        restored.model.stateDict().forEach((name, t) ->
                assertArrayEquals(expected.get(name).toFloatArray(), t.toFloatArray(), name));
    }

    @Test
    void anotherGroupLayoutIsRefused() {
        ReferenceMlp source = new ReferenceMlp(twoGroups("sgd", false));
        source.step();
        Map<String, Tensor> state = copy(source.optimizer.stateDict());

        Optimizer oneGroup = new ReferenceMlp(m -> SGD.builder(m.parameters()).lr(0.1f).build()).optimizer;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> oneGroup.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for SGD:\n"
                + "\tthe checkpoint has 2 parameter group(s), this optimizer has 1\n"
                + "\tthe checkpoint is for 2 parameters in group 0, this optimizer has 4", e.getMessage());

        Optimizer otherSplit = new ReferenceMlp(m -> SGD.builder(m.parameters().subList(0, 3))
                .group(m.parameters().subList(3, 4)).lr(0.1f).build()).optimizer;
        e = assertThrows(IllegalArgumentException.class, () -> otherSplit.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for SGD:\n"
                + "\tthe checkpoint is for 2 parameters in group 0, this optimizer has 3\n"
                + "\tthe checkpoint is for 2 parameters in group 1, this optimizer has 1", e.getMessage());
        assertEquals(0.1f, otherSplit.paramGroups().get(1).lr(), "nothing changed");
    }

    /** What the single-group version wrote after one SGD step on one parameter: lr 0.1, momentum 0.9. */
    private static Map<String, Tensor> singleGroupLayout() {
        Map<String, Tensor> old = new LinkedHashMap<>();
        old.put("state.0.momentum_buffer", Tensor.of(new float[] {0.5f, -1f}));
        old.put("param_groups.lr", Tensor.scalar(0.1f));
        old.put("param_groups.momentum", Tensor.scalar(0.9f));
        old.put("param_groups.dampening", Tensor.scalar(0));
        old.put("param_groups.weight_decay", Tensor.scalar(0));
        old.put("param_groups.nesterov", Tensor.scalar(0));
        old.put("param_groups.params", Tensor.ofInts(new int[] {0}, 1));
        return old;
    }

    @Test
    void singleGroupLayoutOfEarlierVersionsLoadsIntoOneGroup() {
        Tensor uninterrupted = Tensor.of(new float[] {1, 1}).requiresGrad(true);
        SGD reference = SGD.builder(List.of(uninterrupted)).lr(0.1f).momentum(0.9f).build();
        uninterrupted.setGrad(Tensor.of(new float[] {0.5f, -1f}));
        reference.step();

        Tensor resumed = Tensor.of(uninterrupted.toFloatArray()).requiresGrad(true);
        SGD sgd = SGD.builder(List.of(resumed)).lr(0.5f).build();
        sgd.loadStateDict(singleGroupLayout());
        assertEquals(0.1f, sgd.lr());
        assertEquals(0.9f, sgd.paramGroups().get(0).get("momentum"));
        for (float[] g : new float[][] {{0.25f, 2f}, {-0.75f, 0.5f}}) {
            uninterrupted.setGrad(Tensor.of(g));
            resumed.setGrad(Tensor.of(g));
            reference.step();
            sgd.step();
        }
        assertArrayEquals(uninterrupted.toFloatArray(), resumed.toFloatArray());
        assertArrayEquals(reference.stateDict().get("state.0.momentum_buffer").toFloatArray(),
                sgd.stateDict().get("state.0.momentum_buffer").toFloatArray());
    }

    @Test
    void singleGroupLayoutIsRefusedWithSeveralGroups() {
        SGD sgd = SGD.builder(List.of(Tensor.zeros(2).requiresGrad(true)))
                .group(List.of(Tensor.zeros(1).requiresGrad(true))).lr(0.5f).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadStateDict(singleGroupLayout()));
        assertEquals("Error(s) in loading state_dict for SGD:\n\tthe state dict has the single-group layout of "
                + "earlier versions (param_groups.<setting>), this optimizer has 2 parameter groups", e.getMessage());
        assertEquals(0.5f, sgd.lr());
    }
}
