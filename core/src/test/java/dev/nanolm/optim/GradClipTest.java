// Global gradient-norm clipping: norm over all parameters, scaling only above the threshold.
package dev.nanolm.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
    static List<Parameter> params(Tensor a, Tensor b, Tensor c) {
        a.grad()[0] = 3f; a.grad()[1] = -4f;
        b.grad()[0] = 12f;
        return List.of(new Parameter("a", a), new Parameter("b", b), new Parameter("c", c)); // c has no grad
    }

    @Test
    void clipsAboveMaxNorm() {
        Tensor a = Tensor.zeros(2), b = Tensor.zeros(1, 1), c = Tensor.zeros(3);
        double norm = GradClip.clipGlobalNorm(params(a, b, c), 6.5);
        assertEquals(13.0, norm, 1e-12);
        double coef = 6.5 / (13.0 + 1e-6);
        assertEquals(3 * coef, a.grad()[0], 1e-6);
        assertEquals(-4 * coef, a.grad()[1], 1e-6);
        assertEquals(12 * coef, b.grad()[0], 1e-6);
        assertFalse(c.hasGrad());
        // after clipping, the norm is maxNorm
        assertEquals(6.5, GradClip.clipGlobalNorm(List.of(new Parameter("a", a), new Parameter("b", b)), 100), 1e-5);
    }

    @Test
    void leavesSmallGradientsAlone() {
        Tensor a = Tensor.zeros(2), b = Tensor.zeros(1, 1), c = Tensor.zeros(3);
        assertEquals(13.0, GradClip.clipGlobalNorm(params(a, b, c), 13.5), 1e-12);
        assertArrayEquals(new float[] {3f, -4f}, a.grad());
        assertArrayEquals(new float[] {12f}, b.grad());
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(), 0));
    }
}
