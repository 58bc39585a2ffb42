package dev.minibatch.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The printouts are PyTorch's, character for character: the expected strings are what PyTorch prints. */
class ModulePrintTest {
    @Test
    void sequentialPrintsItsNumberedChildren() {
        Sequential model = new Sequential(new Linear(784, 50), new ReLU(), new Linear(50, 10));
        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=784, out_features=50, bias=True)\n"
                + "  (1): ReLU()\n"
                + "  (2): Linear(in_features=50, out_features=10, bias=True)\n"
                + ")", model.toString());
    }

    @Test
    void fieldsPrintUnderTheirNamesInDeclarationOrder() {
        assertEquals("MLP(\n"
                + "  (l1): Linear(in_features=784, out_features=50, bias=True)\n"
                + "  (l2): Linear(in_features=50, out_features=10, bias=True)\n"
                + "  (relu): ReLU()\n"
                + ")", new LessonModels.MLP(784, 50, 10).toString());
    }

    @Test
    void moduleListNestsWithItsOwnIndentation() {
        Module model = new LessonModels.SequentialModel(new Linear(784, 50), new ReLU(), new Linear(50, 10));
        assertEquals("SequentialModel(\n"
                + "  (layers): ModuleList(\n"
                + "    (0): Linear(in_features=784, out_features=50, bias=True)\n"
                + "    (1): ReLU()\n"
                + "    (2): Linear(in_features=50, out_features=10, bias=True)\n"
                + "  )\n"
                + ")", model.toString());
    }

    @Test
    void leavesPrintTheirSettingsOnOneLine() {
        assertEquals("Linear(in_features=3, out_features=2, bias=False)", new Linear(3, 2, false).toString());
        assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());
        assertEquals("ReLU()", new ReLU().toString());
        assertEquals("Sequential()", new Sequential().toString());
        assertEquals("ModuleList()", new ModuleList().toString());
    }

    @Test
    void deeperNestingIndentsEveryLevel() {
        Sequential model = new Sequential(new Flatten(), new Sequential(new Linear(4, 3), new ReLU()));
        assertEquals("Sequential(\n"
                + "  (0): Flatten(start_dim=1, end_dim=-1)\n"
                + "  (1): Sequential(\n"
                + "    (0): Linear(in_features=4, out_features=3, bias=True)\n"
                + "    (1): ReLU()\n"
                + "  )\n"
                + ")", model.toString());
    }

    @Test
    void activationsPrintTheirSettingsAsPyTorchDoes() {
        assertEquals("Tanh()", new Tanh().toString());
        assertEquals("Sigmoid()", new Sigmoid().toString());
        assertEquals("SiLU()", new SiLU().toString());
        assertEquals("GELU(approximate='none')", new GELU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
        assertEquals("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2f).toString());
        assertEquals("LeakyReLU(negative_slope=1e-05)", new LeakyReLU(1e-5f).toString());
        assertEquals("Softmax(dim=1)", new Softmax(1).toString());
        assertEquals("LogSoftmax(dim=-1)", new LogSoftmax(-1).toString());
        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
                + "  (1): GELU(approximate='none')\n"
                + "  (2): LeakyReLU(negative_slope=0.01)\n"
                + ")", new Sequential(new Linear(4, 3), new GELU(), new LeakyReLU()).toString());
    }
}
