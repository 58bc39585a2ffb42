package dev.minibatch.cli;

import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class StepWarmUpTest {
    private static TrainingOptions lesson() {
        return new TrainingOptions();
    }

    @Test
    void warmsUpMlpsAsSmallAsTheLessonsOnly() {
        assertNotNull(StepWarmUp.of(lesson(), 784, 10), "the lesson's 784-50-10 at batch 50");
        TrainingOptions wide = lesson();
        wide.hidden = List.of(800);
        wide.batchSize = 256;
        assertNull(StepWarmUp.of(wide, 784, 10), "160 M multiply-adds a step would outlast the decoding");
        TrainingOptions cnn = lesson();
        cnn.model = ModelFiles.CNN;
        assertNull(StepWarmUp.of(cnn, 784, 10));
    }

    @Test
    void trainsItsOwnCopyAndLeavesTheDefaultGeneratorAsItFoundIt() {
        Minibatch.manualSeed(3);
        long[] before = Minibatch.defaultGenerator().getState();
        StepWarmUp warmUp = StepWarmUp.of(lesson(), 784, 10);
        for (int part = 0; part < 7; part++) {
            warmUp.run();
        }
        assertEquals(2, warmUp.steps(), "seven parts: two steps of three, and a forward pass");
        assertArrayEquals(before, Minibatch.defaultGenerator().getState());
    }

    @Test
    void finishesItsStepsOnAThreadOfItsOwnOnceStarted() throws InterruptedException {
        Minibatch.manualSeed(3);
        long[] before = Minibatch.defaultGenerator().getState();
        StepWarmUp idle = StepWarmUp.of(lesson(), 784, 10);
        assertNull(idle.finishInBackground(), "no part ran: the copy is not built on another thread");
        StepWarmUp warmUp = StepWarmUp.of(lesson(), 784, 10);
        warmUp.run();
        Thread thread = warmUp.finishInBackground();
        assertNotNull(thread);
        thread.join();
        assertEquals(StepWarmUp.BACKGROUND_STEPS, warmUp.steps());
        assertArrayEquals(before, Minibatch.defaultGenerator().getState());
        assertNull(warmUp.finishInBackground(), "its steps are done");
    }

    /** As {@code train} builds it: the seed, then the data (and the warm-up meanwhile), then model and steps. */
    private static List<float[]> seedWarmTrain(int warmUpParts) throws InterruptedException {
        TrainingOptions job = lesson();
        Minibatch.manualSeed(job.seed);
        StepWarmUp warmUp = StepWarmUp.of(job, 784, 10);
        for (int i = 0; i < warmUpParts; i++) {
            warmUp.run();
        }
        Thread background = warmUp.finishInBackground();
        Sequential model = job.model(784, 10);
        Optimizer opt = job.optimizer(model.parameters());
        Generator data = new Generator(7);
        for (int step = 0; step < 3; step++) {
            Tensor loss = Functional.crossEntropy(model.forward(Tensor.rand(data, 50, 784)),
                    Tensor.randint(data, 0, 10, 50));
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        if (background != null) {
            background.join();
        }
        List<float[]> params = new ArrayList<>();
        model.parameters().forEach(p -> params.add(p.storage().clone()));
        return params;
    }

    /** With 1, 2 or 12 parts, the warm-up also finishes its steps on its own thread while the job trains. */
    @Test
    void theJobsModelTrainsToTheSameBitsWithOrWithoutTheWarmUp() throws InterruptedException {
        List<float[]> without = seedWarmTrain(0);
        for (int parts : new int[] {1, 2, 12}) {
            List<float[]> with = seedWarmTrain(parts);
            for (int i = 0; i < without.size(); i++) {
                assertArrayEquals(without.get(i), with.get(i), "parameter " + i + " after " + parts + " parts");
            }
        }
    }
}
