package example;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Linear;
import dev.minibatch.nn.ReLU;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Adam;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.History;
import dev.minibatch.train.Learner;

import java.util.Random;

/**
 * Minibatch as a dependency: a small MLP learns on which of two rings a point lies. Run it with the Vector
 * API module, as any program using Minibatch should: {@code java --add-modules jdk.incubator.vector ...}.
 */
public final class Rings {
    private Rings() {
    }

    public static void main(String[] args) {
        Minibatch.manualSeed(0);
        Random random = new Random(0);
        TensorDataset train = rings(2000, random);
        TensorDataset valid = rings(500, random);
        Sequential model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 2));
        Optimizer opt = Adam.builder(model.parameters()).lr(0.01f).build();
        DataLoaders dls = DataLoaders.of(train, valid, 50, 0);
        History history = Learner.fit(10, model, Functional::crossEntropy, opt, dls.train(), dls.valid());
        double accuracy = history.last().orElseThrow().metrics().get("accuracy");
        System.out.printf("validation accuracy %.3f after %d epochs%n", accuracy, history.lastEpoch());
        if (accuracy < 0.95) {
            System.exit(1);
        }
    }

    /** Points at radius 1 (class 0) or 2 (class 1), at a random angle, with a little noise. */
    static TensorDataset rings(int n, Random random) {
        float[] xy = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(2);
            double r = 1 + labels[i] + 0.2 * random.nextGaussian();
            double angle = 2 * Math.PI * random.nextDouble();
            xy[2 * i] = (float) (r * Math.cos(angle));
            xy[2 * i + 1] = (float) (r * Math.sin(angle));
        }
        return new TensorDataset(Tensor.of(xy, n, 2), Tensor.ofInts(labels, n));
    }
}
