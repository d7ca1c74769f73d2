// Initialiser statistics over large tensors, and determinism under a fixed seed.
package dev.nanolm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {
    static double mean(float[] d) { double s = 0; for (float x : d) s += x; return s / d.length; }
    static double std(float[] d) {
        double m = mean(d), s = 0;
        for (float x : d) s += (x - m) * (x - m);
        return Math.sqrt(s / (d.length - 1));
    }

    @Test
    void uniformStaysInRangeWithUniformMoments() {
        Tensor t = Init.uniform(Tensor.zeros(301, 333), -0.25, 0.75, new Rng(1));
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float x : t.data) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        assertTrue(lo >= -0.25f && hi <= 0.75f, lo + " " + hi);
        assertTrue(lo < -0.249f && hi > 0.749f, "range is covered");
        assertEquals(0.25, mean(t.data), 0.005);
        assertEquals(1.0 / Math.sqrt(12), std(t.data), 0.005);
    }

    @Test
    void normalHasRequestedMeanAndStd() {
        Tensor t = Init.normal(Tensor.zeros(100_003), 0.5, 0.02, new Rng(2));
        assertEquals(0.5, mean(t.data), 0.02 * 0.02);
        assertEquals(0.02, std(t.data), 0.02 * 0.02);
    }

    @Test
    void kaimingNormalStdIsGainOverSqrtFanIn() {
        int fanIn = 37;
        Tensor t = Init.kaimingNormal(Tensor.zeros(fanIn, 5003), fanIn, Init.gain("tanh"), new Rng(3));
        double want = (5.0 / 3.0) / Math.sqrt(fanIn);
        assertEquals(want, std(t.data), want * 0.01);
        assertEquals(0, mean(t.data), want * 0.01);
    }

    @Test
    void constantsAndGains() {
        assertArrayEquals(new float[] {1, 1, 1}, Init.ones(Tensor.zeros(3)).data);
        assertArrayEquals(new float[] {0, 0}, Init.zeros(Tensor.of(new float[] {4, 5}, 2)).data);
        assertArrayEquals(new float[] {-2, -2}, Init.constant(Tensor.zeros(2), -2f).data);
        assertEquals(Math.sqrt(2), Init.gain("relu"), 0);
        assertThrows(IllegalArgumentException.class, () -> Init.gain("swish"));
        assertThrows(IllegalArgumentException.class, () -> Init.kaimingNormal(Tensor.zeros(2), 0, 1, new Rng(1)));
    }

    @Test
    void sameSeedSameWeights() {
        Tensor a = Init.normal(Tensor.zeros(50), 0, 1, new Rng(9));
        Tensor b = Init.normal(Tensor.zeros(50), 0, 1, new Rng(9));
        Tensor c = Init.normal(Tensor.zeros(50), 0, 1, new Rng(10));
        assertArrayEquals(a.data, b.data);
        assertFalse(java.util.Arrays.equals(a.data, c.data));
    }
}
