package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleTest {
    @Test
    void fieldsRegisterThemselvesWithDottedNames() {
        LessonModels.MLP model = new LessonModels.MLP(4, 3, 2);
        assertEquals(List.of("l1.weight", "l1.bias", "l2.weight", "l2.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.of(model.l1.weight, model.l1.bias, model.l2.weight, model.l2.bias), model.parameters());
        assertEquals(List.of("l1", "l2", "relu"), List.copyOf(model.namedChildren().keySet()));
        assertEquals(List.of(model.l1, model.l2, model.relu), model.children());
    }

    @Test
    void sequentialNamesChildrenByPosition() {
        Sequential model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
                List.copyOf(model.namedParameters().keySet()));
    }

    @Test
    void moduleListFieldNestsItsNames() {
        Module model = new LessonModels.SequentialModel(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.of("", "layers", "layers.0", "layers.1", "layers.2"),
                List.copyOf(model.namedModules().keySet()));
        assertEquals(5, model.modules().size());
    }

    /** The lesson's {@code Model} keeps its layers in a plain list, which registers nothing, then uses add_module. */
    static final class ListModel extends Module {
        final List<Module> layers;

        ListModel(List<Module> layers, boolean addModules) {
            this.layers = layers;
            if (addModules) {
                for (int i = 0; i < layers.size(); i++) {
                    register("layer_" + i, layers.get(i));
                }
            }
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = x;
            for (Module l : layers) {
                y = l.forward(y);
            }
            return y;
        }
    }

    @Test
    void plainListOfModulesRegistersNothingAndRegisterAddsThem() {
        List<Module> layers = List.of(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        assertTrue(new ListModel(layers, false).parameters().isEmpty());
        ListModel model = new ListModel(layers, true);
        assertEquals(List.of("layer_0.weight", "layer_0.bias", "layer_2.weight", "layer_2.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals("ListModel(\n"
                + "  (layer_0): Linear(in_features=4, out_features=3, bias=True)\n"
                + "  (layer_1): ReLU()\n"
                + "  (layer_2): Linear(in_features=3, out_features=2, bias=True)\n"
                + ")", model.toString());
    }

    /** A field assigned after an explicit register comes after it, as PyTorch's assignment order would put it. */
    static final class Mixed extends Module {
        final Linear head;
        final Linear tail;

        Mixed() {
            head = new Linear(2, 2);
            register("middle", new ReLU());
            tail = new Linear(2, 2);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    @Test
    void registrationOrderFollowsAssignmentOrder() {
        assertEquals(List.of("head", "middle", "tail"), List.copyOf(new Mixed().namedChildren().keySet()));
    }

    /** Only tensors made by Parameter.of are parameters; plain tensor fields are not, as in PyTorch. */
    static final class Scale extends Module {
        final Tensor gain = Parameter.of(Tensor.ones(3));
        final Tensor constant = Tensor.full(2f, 3);
        final Tensor graded = Tensor.zeros(3).requiresGrad(true);

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(gain).mul(constant);
        }
    }

    @Test
    void onlyParameterTensorsRegister() {
        Scale s = new Scale();
        assertEquals(List.of("gain"), List.copyOf(s.namedParameters().keySet()));
        assertTrue(s.gain.requiresGrad());
        s.gain.requiresGrad(false);
        assertEquals(List.of("gain"), List.copyOf(s.stateDict().keySet()), "a frozen parameter stays a parameter");
    }

    @Test
    void sharedParametersAppearOnceInParametersButUnderEachNameInTheStateDict() {
        Linear shared = new Linear(3, 3);
        Sequential model = new Sequential(shared, new ReLU(), shared);
        assertEquals(2, model.parameters().size());
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(model.stateDict().keySet()));
        assertEquals(List.of("0", "1"), List.copyOf(model.namedChildren().keySet()));
        assertEquals(3, model.size(), "Sequential still applies the shared module twice");
    }

    @Test
    void registerRefusesBadNames() {
        Sequential s = new Sequential();
        assertThrows(IllegalArgumentException.class, () -> s.register("a.b", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> s.register("", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> s.register("x", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LessonModels.MLP(2, 2, 2).register("l1", new ReLU()));
        assertTrue(e.getMessage().contains("\"l1\" is already a field of MLP"), e.getMessage());
    }

    @Test
    void registerAgainReplacesInPlace() {
        Sequential s = new Sequential(new ReLU(), new Flatten());
        Linear l = s.register("0", new Linear(2, 2));
        assertSame(l, s.get(0));
        assertEquals(List.of("0", "1"), List.copyOf(s.namedChildren().keySet()));
    }

    @Test
    void trainAndEvalReachEverySubModule() {
        Module model = new LessonModels.SequentialModel(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        assertTrue(model.modules().stream().allMatch(Module::isTraining));
        assertSame(model, model.eval());
        assertTrue(model.modules().stream().noneMatch(Module::isTraining));
        model.train();
        assertTrue(model.modules().stream().allMatch(Module::isTraining));
    }

    @Test
    void zeroGradDropsEveryGradient() {
        LessonModels.MLP model = new LessonModels.MLP(4, 3, 2);
        model.forward(Tensor.ones(5, 4)).sum().backward();
        for (Tensor p : model.parameters()) {
            assertNotNull(p.grad());
        }
        model.zeroGrad();
        for (Tensor p : model.parameters()) {
            assertNull(p.grad());
        }
    }

    @Test
    void anonymousModulesPrintTheirSuperclassName() {
        Module m = new ReLU() {
        };
        assertEquals("ReLU()", m.toString());
        assertFalse(m.toString().isEmpty());
    }
}
