// Tolerance checks for the peer tests (numpy's allclose rule), naming the worst element on failure.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

final class TorchAssert {
    private TorchAssert() {}

    static void assertClose(String name, Tensor expected, Tensor actual, double atol, double rtol) {
        if (!Arrays.equals(expected.shape, actual.shape))
            fail(name + ": shape " + Arrays.toString(actual.shape) + ", expected " + Arrays.toString(expected.shape));
        assertClose(name, expected.data, actual.data, atol, rtol);
    }

    /**
     * Passes when |actual - expected| <= atol + rtol * |expected| everywhere (numpy's allclose rule).
     * On failure names the worst element (largest error relative to its allowance) and how many failed.
     */
    static void assertClose(String name, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length)
            fail(name + ": " + actual.length + " values, expected " + expected.length);
        int worst = -1, bad = 0;
        double worstRatio = -1, maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            double err = Math.abs(a - e);
            double allowed = atol + rtol * Math.abs(e);
            // NaN or inf on either side is a failure unless both are the same non-finite value
            double ratio = Double.isNaN(err) ? (e == a ? 0 : Double.POSITIVE_INFINITY) : err / allowed;
            if (e == a) ratio = 0;
            if (ratio > 1) bad++;
            if (ratio > worstRatio) { worstRatio = ratio; worst = i; }
            if (!Double.isNaN(err) && err > maxAbs) maxAbs = err;
        }
        if (bad > 0)
            fail(String.format("%s: %d of %d values outside atol=%.1e rtol=%.1e; worst at [%d]: expected %.9g, actual %.9g "
                    + "(|diff| %.3g, %.1fx the allowance); max |diff| %.3g",
                    name, bad, expected.length, atol, rtol, worst, expected[worst], actual[worst],
                    Math.abs((double) actual[worst] - expected[worst]), worstRatio, maxAbs));
    }
}
