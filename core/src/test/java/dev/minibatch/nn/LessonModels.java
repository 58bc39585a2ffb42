package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** The lesson's hand-written models, as a Java user writes them; shared with the optim tests. */
public final class LessonModels {
    private LessonModels() {
    }

    /** Sub-modules in fields: they register themselves, in declaration order. */
    public static final class MLP extends Module {
        final Linear l1;
        final Linear l2;
        final ReLU relu = new ReLU();

        public MLP(int nIn, int nh, int nOut) {
            l1 = new Linear(nIn, nh);
            l2 = new Linear(nh, nOut);
        }

        @Override
        public Tensor forward(Tensor x) {
            return l2.forward(relu.forward(l1.forward(x)));
        }
    }

    /** A ModuleList field: its layers register under {@code layers.0}, {@code layers.1}, ... */
    public static final class SequentialModel extends Module {
        final ModuleList layers;

        public SequentialModel(Module... layers) {
            this.layers = new ModuleList(layers);
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
}
