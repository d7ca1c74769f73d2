// AdamW's first steps against a hand computation in double, decay only on rank >= 2 by default,
// and optimizer state naming and restore.
package dev.nanolm.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    static final float LR = 0.01f, B1 = 0.9f, B2 = 0.95f, EPS = 1e-8f, WD = 0.1f;

    /** Gradient of step s for element j: varied signs and magnitudes. */
    static float grad(int s, int j) { return (float) Math.sin(1.3 * j + 0.7 * s + 0.1) * (1 + j % 3); }

    /** torch.optim.AdamW's update in double. */
    static void reference(double[] p, double[] m, double[] v, int s, double wd, int t) {
        for (int j = 0; j < p.length; j++) {
            double g = grad(s, j);
            p[j] *= 1 - (double) LR * wd;
            m[j] = B1 * m[j] + (1 - (double) B1) * g;
            v[j] = B2 * v[j] + (1 - (double) B2) * g * g;
            double mhat = m[j] / (1 - Math.pow(B1, t)), vhat = v[j] / (1 - Math.pow(B2, t));
            p[j] -= LR * mhat / (Math.sqrt(vhat) + EPS);
        }
    }

    @Test
    void firstThreeStepsMatchHandComputationWithDecayOnlyOnMatrices() {
        Tensor w = Tensor.zeros(3, 5), b = Tensor.zeros(7);
        for (int j = 0; j < 15; j++) w.data[j] = 0.3f * (j - 7);
        for (int j = 0; j < 7; j++) b.data[j] = 1f - 0.2f * j;
        double[] pw = new double[15], pb = new double[7];
        for (int j = 0; j < 15; j++) pw[j] = w.data[j];
        for (int j = 0; j < 7; j++) pb[j] = b.data[j];
        double[] mw = new double[15], vw = new double[15], mb = new double[7], vb = new double[7];

        AdamW opt = new AdamW(List.of(new Parameter("w", w), new Parameter("b", b)), LR, B1, B2, EPS, WD);
        assertTrue(opt.decays(0));
        assertFalse(opt.decays(1));
        for (int s = 0; s < 3; s++) {
            for (int j = 0; j < 15; j++) w.grad()[j] = grad(s, j);
            for (int j = 0; j < 7; j++) b.grad()[j] = grad(s, j);
            opt.step();
            reference(pw, mw, vw, s, WD, s + 1);
            reference(pb, mb, vb, s, 0, s + 1);
            for (int j = 0; j < 15; j++) assertEquals(pw[j], w.data[j], 2e-6, "w step " + (s + 1) + " element " + j);
            for (int j = 0; j < 7; j++) assertEquals(pb[j], b.data[j], 2e-6, "b step " + (s + 1) + " element " + j);
        }
        for (int j = 0; j < 15; j++) {
            assertEquals(mw[j], opt.state().get("m.w").data[j], 1e-6);
            assertEquals(vw[j], opt.state().get("v.w").data[j], 1e-6);
        }
        // the vector was not decayed: decaying it would have moved it by lr*wd*p ~ 1e-3, far beyond the tolerance
        assertEquals(3, opt.stepCount());
    }

    @Test
    void predicateOverridesTheDecayRule() {
        Tensor w = Tensor.zeros(2, 2), b = Tensor.of(new float[] {2f, -4f}, 2);
        AdamW opt = new AdamW(List.of(new Parameter("w", w), new Parameter("b", b)), 0.5f, B1, B2, EPS, 0.1f,
                p -> p.name().equals("b"));
        assertFalse(opt.decays(0));
        assertTrue(opt.decays(1));
        w.grad(); b.grad(); // zero gradients: only decay moves the weights
        opt.step();
        assertArrayEquals(new float[] {0, 0, 0, 0}, w.data);
        assertArrayEquals(new float[] {2f * 0.95f, -4f * 0.95f}, b.data, 1e-6f);
    }

    @Test
    void stateNamesAndResume() {
        Tensor w1 = Tensor.zeros(3, 5), b1 = Tensor.zeros(7);
        AdamW a = new AdamW(List.of(new Parameter("layer.weight", w1), new Parameter("layer.bias", b1)), LR, B1, B2, EPS, WD);
        assertEquals(List.of("m.layer.weight", "m.layer.bias", "v.layer.weight", "v.layer.bias"), List.copyOf(a.state().keySet()));
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < 15; j++) w1.grad()[j] = grad(s, j);
            for (int j = 0; j < 7; j++) b1.grad()[j] = grad(s, j + 3);
            a.step();
        }
        Map<String, Tensor> saved = new LinkedHashMap<>();
        a.state().forEach((k, t) -> saved.put(k, t.copy()));
        Tensor w2 = w1.copy(), b2 = b1.copy();
        AdamW b = new AdamW(List.of(new Parameter("layer.weight", w2), new Parameter("layer.bias", b2)), LR, B1, B2, EPS, WD);
        b.loadState(saved, a.stepCount());
        System.arraycopy(w1.grad(), 0, w2.grad(), 0, 15);
        System.arraycopy(b1.grad(), 0, b2.grad(), 0, 7);
        a.step();
        b.step();
        assertArrayEquals(w1.data, w2.data);
        assertArrayEquals(b1.data, b2.data);

        Map<String, Tensor> bad = new LinkedHashMap<>(saved);
        bad.remove("v.layer.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(bad, 2));
        assertTrue(e.getMessage().contains("v.layer.bias"), e.getMessage());
        Map<String, Tensor> wrong = new LinkedHashMap<>(saved);
        wrong.put("m.layer.weight", Tensor.zeros(5, 3));
        ShapeException se = assertThrows(ShapeException.class, () -> b.loadState(wrong, 2));
        assertTrue(se.getMessage().contains("m.layer.weight"), se.getMessage());
    }
}
