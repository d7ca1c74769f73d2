// The gradient checker must catch wrong gradients, or every passing gradient test means nothing.
package dev.nanolm.testing;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.api.Test;

class GradCheckTest {

    /** y = x^2 with backward dx += factor * 2x * dy. */
    static Tensor square(Tensor x, float factor) {
        Tensor out = Tensor.zeros(x.shape);
        for (int i = 0; i < out.numel(); i++) out.data[i] = x.data[i] * x.data[i];
        if (Tape.needsGrad(x)) Tape.record(out, () -> {
            float[] g = out.grad(), dx = x.grad();
            for (int i = 0; i < g.length; i++) dx[i] += factor * 2 * x.data[i] * g[i];
        });
        return out;
    }

    @Test
    void acceptsACorrectGradient() {
        Tensor x = TestTensors.randn(new Rng(1), 3, 7);
        GradCheck.Result r = GradCheck.assertGradients("square", in -> square(in[0], 1f), x);
        assertEquals(21, r.checked);
        assertTrue(r.maxRelErr < 1e-3, r.toString());
    }

    @Test
    void rejectsAGradientOffByThreePercent() {
        Tensor x = TestTensors.randn(new Rng(1), 3, 7);
        assertThrows(AssertionFailedError.class, () -> GradCheck.assertGradients("square", in -> square(in[0], 1.03f), x));
    }

    @Test
    void rejectsAMissingGradientContribution() {
        Rng rng = new Rng(2);
        Tensor a = TestTensors.randn(rng, 4), b = TestTensors.randn(rng, 4);
        // b's contribution goes through a no-grad scope, so the tape misses it
        GradCheck.Fn f = in -> {
            Tensor bb;
            try (var ng = Tape.noGrad()) { bb = Ops.mul(in[1], in[1]); }
            return Ops.add(in[0], bb);
        };
        assertThrows(AssertionFailedError.class, () -> GradCheck.assertGradients("missing", f, a, b));
    }

    @Test
    void perturbsOnlyASubsetOfLargeInputs() {
        Tensor x = TestTensors.randn(new Rng(3), 1000);
        assertEquals(GradCheck.MAX_PER_INPUT, GradCheck.check(in -> square(in[0], 1f), GradCheck.H, x).checked);
    }
}
