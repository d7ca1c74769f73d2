// SGD against a hand computation in double (PyTorch semantics: dampening 0, first buf = g).
package dev.nanolm.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SgdTest {
    static final float[][] GRADS = {{0.5f, -1.25f, 2f}, {-0.75f, 0.1f, 0.3f}, {1.5f, 0.2f, -0.6f}};

    @Test
    void momentumAndWeightDecayMatchHandComputation() {
        float lr = 0.1f, mu = 0.9f, wd = 0.01f;
        Tensor w = Tensor.of(new float[] {1f, -2f, 0.5f}, 3);
        Sgd opt = new Sgd(List.of(new Parameter("w", w)), lr, mu, wd);
        double[] p = {1, -2, 0.5}, buf = new double[3];
        for (int s = 0; s < 3; s++) {
            System.arraycopy(GRADS[s], 0, w.grad(), 0, 3);
            opt.step();
            for (int j = 0; j < 3; j++) {
                double g = GRADS[s][j] + (double) wd * p[j];
                buf[j] = s == 0 ? g : mu * buf[j] + g;
                p[j] -= lr * buf[j];
                assertEquals(p[j], w.data[j], 1e-6, "step " + (s + 1) + " element " + j);
            }
            assertEquals(s + 1, opt.stepCount());
        }
        assertEquals(List.of("momentum.w"), List.copyOf(opt.state().keySet()));
        for (int j = 0; j < 3; j++) assertEquals(buf[j], opt.state().get("momentum.w").data[j], 1e-6);
    }

    @Test
    void plainSgdKeepsNoStateAndSkipsParametersWithoutGrad() {
        Tensor a = Tensor.of(new float[] {1f, 2f}, 2), b = Tensor.of(new float[] {3f}, 1);
        Sgd opt = new Sgd(List.of(new Parameter("a", a), new Parameter("b", b)), 0.5f);
        a.grad()[0] = 1f;
        a.grad()[1] = -2f;
        opt.step();
        assertArrayEquals(new float[] {0.5f, 3f}, a.data);
        assertArrayEquals(new float[] {3f}, b.data);
        assertFalse(b.hasGrad());
        assertTrue(opt.state().isEmpty());
        opt.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, a.grad());
    }

    @Test
    void loadStateResumesIdentically() {
        Tensor w1 = Tensor.of(new float[] {1f, -2f, 0.5f}, 3);
        Sgd a = new Sgd(List.of(new Parameter("w", w1)), 0.1f, 0.9f, 0f);
        for (int s = 0; s < 2; s++) { System.arraycopy(GRADS[s], 0, w1.grad(), 0, 3); a.step(); }
        Map<String, Tensor> saved = new LinkedHashMap<>();
        a.state().forEach((k, t) -> saved.put(k, t.copy()));

        Tensor w2 = w1.copy();
        Sgd b = new Sgd(List.of(new Parameter("w", w2)), 0.1f, 0.9f, 0f);
        b.loadState(saved, a.stepCount());
        assertEquals(2, b.stepCount());
        System.arraycopy(GRADS[2], 0, w1.grad(), 0, 3);
        System.arraycopy(GRADS[2], 0, w2.grad(), 0, 3);
        a.step();
        b.step();
        assertArrayEquals(w1.data, w2.data);
    }

    @Test
    void rejectsBadArguments() {
        Tensor w = Tensor.zeros(2);
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(), 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(new Parameter("w", w), new Parameter("w", Tensor.zeros(2))), 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(new Parameter("a", w), new Parameter("b", w)), 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(new Parameter("w", w)), -1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(new Parameter("w", w)), 0.1f, 1f, 0f));
    }
}
