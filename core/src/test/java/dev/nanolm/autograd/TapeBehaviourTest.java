// How every op meets the tape: nothing recorded under no-grad or for inputs that need no gradient,
// and gradients accumulate across backward calls.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.TestTensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TapeBehaviourTest {
    Rng rng;
    Tensor x, y, w, b, sq, g, bt, r3;
    int[] idx, targets;

    @BeforeEach
    void setUp() {
        Tape.reset();
        rng = new Rng(21);
        x = TestTensors.randn(rng, 3, 5);
        y = TestTensors.randn(rng, 3, 5);
        w = TestTensors.randn(rng, 4, 5);
        b = TestTensors.randn(rng, 4);
        sq = TestTensors.randn(rng, 5, 5);
        g = TestTensors.uniform(rng, 0.5f, 1.5f, 5);
        bt = TestTensors.randn(rng, 5);
        r3 = TestTensors.randn(rng, 2, 3, 5);
        idx = new int[] {0, 3, 3};
        targets = new int[] {1, 4, -1};
    }

    /** One call of every recording op, each on tensors that requireGrad as set by the caller. */
    Map<String, Supplier<Tensor>> allOps() {
        Map<String, Supplier<Tensor>> m = new LinkedHashMap<>();
        m.put("add", () -> Ops.add(x, y));
        m.put("sub", () -> Ops.sub(x, bt));
        m.put("mul", () -> Ops.mul(x, y));
        m.put("div", () -> Ops.div(x, g));
        m.put("addScalar", () -> Ops.addScalar(x, 1f));
        m.put("mulScalar", () -> Ops.mulScalar(x, 2f));
        m.put("pow", () -> Ops.pow(g, 1.5f));
        m.put("neg", () -> Ops.neg(x));
        m.put("sqrt", () -> Ops.sqrt(g));
        m.put("matmul", () -> Ops.matmul(x, sq));
        m.put("matmulNT", () -> Ops.matmulNT(x, w));
        m.put("matmulTN", () -> Ops.matmulTN(x, y));
        m.put("linear", () -> Ops.linear(x, w, b));
        m.put("sum", () -> Ops.sum(x));
        m.put("mean", () -> Ops.mean(x));
        m.put("sumDim", () -> Ops.sum(x, 0, false));
        m.put("meanDim", () -> Ops.mean(x, -1, true));
        m.put("max", () -> Ops.max(x, 1, false));
        m.put("tanh", () -> Ops.tanh(x));
        m.put("relu", () -> Ops.relu(x));
        m.put("gelu", () -> Ops.gelu(x));
        m.put("sigmoid", () -> Ops.sigmoid(x));
        m.put("exp", () -> Ops.exp(x));
        m.put("log", () -> Ops.log(g));
        m.put("softmax", () -> Ops.softmax(x));
        m.put("logSoftmax", () -> Ops.logSoftmax(x));
        m.put("crossEntropy", () -> Ops.crossEntropy(x, targets));
        m.put("embedding", () -> Ops.embedding(w, idx));
        m.put("concat", () -> Ops.concat(0, x, y));
        m.put("split", () -> Ops.split(x, 1, 2, 3)[1]);
        m.put("transpose", () -> Ops.transpose(r3, 0, 2));
        m.put("dropout", () -> Ops.dropout(x, 0.5f, true, new Rng(1)));
        m.put("layerNorm", () -> Ops.layerNorm(x, g, bt, 1e-5f));
        m.put("batchNorm", () -> Ops.batchNorm(r3, g, bt, null, null, true, 0.1f, 1e-5f));
        return m;
    }

    void setRequiresGrad(boolean r) {
        for (Tensor t : new Tensor[] {x, y, w, b, sq, g, bt, r3}) t.requiresGrad = r;
    }

    @Test
    void everyOpRecordsWhenAnInputRequiresGrad() {
        setRequiresGrad(true);
        for (var e : allOps().entrySet()) {
            Tape.reset();
            Tensor out = e.getValue().get();
            assertTrue(Tape.size() > 0, e.getKey() + " recorded nothing");
            assertTrue(out.requiresGrad, e.getKey() + " output must require grad");
        }
        Tape.reset();
    }

    @Test
    void noGradScopeRecordsNothing() {
        setRequiresGrad(true);
        try (var ng = Tape.noGrad()) {
            for (var e : allOps().entrySet()) {
                Tensor out = e.getValue().get();
                assertEquals(0, Tape.size(), e.getKey() + " recorded under noGrad");
                assertFalse(out.requiresGrad, e.getKey() + " output requires grad under noGrad");
            }
        }
        assertTrue(Tape.enabled());
    }

    @Test
    void inputsWithoutGradRecordNothing() {
        setRequiresGrad(false);
        for (var e : allOps().entrySet()) {
            Tensor out = e.getValue().get();
            assertEquals(0, Tape.size(), e.getKey() + " recorded with no input requiring grad");
            assertFalse(out.requiresGrad, e.getKey());
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        setRequiresGrad(true);
        for (var e : allOps().entrySet()) {
            for (Tensor t : new Tensor[] {x, y, w, b, sq, g, bt, r3}) t.zeroGrad();
            Tensor R = TestTensors.randn(new Rng(5), e.getValue().get().shape);
            Tape.reset();
            Tape.backward(Ops.sum(Ops.mul(e.getValue().get(), R)));
            float[][] once = grads();
            Tape.backward(Ops.sum(Ops.mul(e.getValue().get(), R)));
            float[][] twice = grads();
            boolean any = false;
            for (int i = 0; i < once.length; i++)
                for (int j = 0; j < once[i].length; j++) {
                    assertEquals(2 * once[i][j], twice[i][j], 1e-5 * Math.max(1, Math.abs(twice[i][j])), e.getKey() + " accumulates");
                    any |= once[i][j] != 0f;
                }
            assertTrue(any, e.getKey() + " produced some gradient");
        }
    }

    float[][] grads() {
        Tensor[] ts = {x, y, w, b, sq, g, bt, r3};
        float[][] out = new float[ts.length][];
        for (int i = 0; i < ts.length; i++) out[i] = ts[i].grad().clone();
        return out;
    }
}
