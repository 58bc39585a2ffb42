package dev.minibatch.nn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.Metrics;
import org.junit.jupiter.api.Test;

import static dev.minibatch.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lesson's functions against PyTorch's values on logits that break a naive softmax: row 0 is shifted
 * by +1000, row 2 by -1000, and one logit is 90 (exp(90) overflows float32).
 */
class FunctionalParityTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    private final JsonNode f = Fixtures.torch().get("functional");
    private final Tensor logits = Fixtures.tensor(f.get("logits"));
    private final Tensor target = Fixtures.ints(f.get("target"));

    @Test
    void softmaxMatchesTorch() {
        Tensor y = Functional.softmax(logits, 1);
        assertFinite(y);
        assertClose(Fixtures.tensor(f.get("softmax")), y, RTOL, ATOL, "softmax");
    }

    @Test
    void logSoftmaxMatchesTorch() {
        Tensor y = Functional.logSoftmax(logits, 1);
        assertFinite(y);
        assertClose(Fixtures.tensor(f.get("log_softmax")), y, RTOL, ATOL, "log_softmax");
    }

    @Test
    void logsumexpMatchesTorch() {
        Tensor y = Functional.logsumexp(logits, 1, false);
        assertFinite(y);
        assertClose(Fixtures.tensor(f.get("logsumexp")), y, RTOL, ATOL, "logsumexp");
        assertClose(Fixtures.tensor(f.get("logsumexp")).reshape(37, 1), logits.logsumexp(1, true), RTOL, ATOL,
                "logsumexp keepdim");
    }

    @Test
    void nllOfLogSoftmaxMatchesTorch() {
        Tensor loss = Functional.nllLoss(Functional.logSoftmax(logits, 1), target);
        assertEquals(f.get("nll").asDouble(), loss.item(), RTOL * f.get("nll").asDouble());
    }

    @Test
    void crossEntropyAndItsGradientMatchTorch() {
        Tensor x = Tensor.of(logits.toFloatArray(), logits.shape()).requiresGrad(true);
        Tensor loss = Functional.crossEntropy(x, target);
        assertEquals(f.get("cross_entropy").asDouble(), loss.item(), RTOL * f.get("cross_entropy").asDouble());
        loss.backward();
        assertFinite(x.grad());
        assertClose(Fixtures.tensor(f.get("cross_entropy_grad")), x.grad(), RTOL, ATOL, "cross_entropy_grad");
    }

    @Test
    void theLessonsHandWrittenLossesAgreeWithTheFusedOne() {
        // nll(log_softmax) computed with gather, as the lesson does with logp[range(n), y]
        Tensor logp = Functional.logSoftmax(logits, 1);
        Tensor picked = logp.gather(1, Tensor.wrapInts(target.toIntArray(), 37, 1));
        assertEquals(f.get("nll").asDouble(), picked.mean().neg().item(), RTOL * f.get("nll").asDouble());
    }

    @Test
    void accuracyMatchesTorch() {
        assertEquals(f.get("accuracy").asDouble(), Metrics.accuracy(logits, target), 1e-7);
    }

    @Test
    void mlpLogitsLossAndGradientsWithPlainTensorOps() {
        JsonNode m = Fixtures.torch().get("mlp");
        JsonNode init = m.get("init");
        Tensor w0 = Fixtures.tensor(init.get("0.weight")).requiresGrad(true);
        Tensor b0 = Fixtures.tensor(init.get("0.bias")).requiresGrad(true);
        Tensor w2 = Fixtures.tensor(init.get("2.weight")).requiresGrad(true);
        Tensor b2 = Fixtures.tensor(init.get("2.bias")).requiresGrad(true);
        Tensor x = Fixtures.tensor(m.get("x"));
        Tensor y = Fixtures.ints(m.get("target"));

        Tensor out = x.matmul(w0.t()).add(b0).relu().matmul(w2.t()).add(b2);
        assertClose(Fixtures.tensor(m.get("logits")), out, 1e-5, 1e-5, "mlp logits");
        Tensor loss = Functional.crossEntropy(out, y);
        assertEquals(m.get("loss").asDouble(), loss.item(), 1e-5 * m.get("loss").asDouble());
        loss.backward();
        JsonNode grads = m.get("grads");
        assertClose(Fixtures.tensor(grads.get("0.weight")), w0.grad(), 1e-5, 1e-6, "grad 0.weight");
        assertClose(Fixtures.tensor(grads.get("0.bias")), b0.grad(), 1e-5, 1e-6, "grad 0.bias");
        assertClose(Fixtures.tensor(grads.get("2.weight")), w2.grad(), 1e-5, 1e-6, "grad 2.weight");
        assertClose(Fixtures.tensor(grads.get("2.bias")), b2.grad(), 1e-5, 1e-6, "grad 2.bias");
    }

    private static void assertFinite(Tensor t) {
        for (float v : t.toFloatArray()) {
            assertTrue(Float.isFinite(v), "non-finite value " + v + " in " + t);
        }
    }
}
