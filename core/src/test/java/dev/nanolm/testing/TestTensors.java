// Random test tensors from a seeded Rng, and closeness assertions that report the worst element.
package dev.nanolm.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class TestTensors {
    private TestTensors() {}

    /** Standard normal values. */
    public static Tensor randn(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) rng.nextGaussian();
        return t;
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * rng.nextFloat();
        return t;
    }

    /** Normal values pushed at least minAbs away from zero (for kinks at 0, e.g. relu, under finite differences). */
    public static Tensor awayFromZero(Rng rng, float minAbs, int... shape) {
        Tensor t = randn(rng, shape);
        for (int i = 0; i < t.data.length; i++) {
            float v = t.data[i];
            t.data[i] = v >= 0 ? v + minAbs : v - minAbs;
        }
        return t;
    }

    /** A random permutation of 0..n-1 scaled by gap and shuffled into the shape: all values differ by >= gap. */
    public static Tensor distinct(Rng rng, float gap, int... shape) {
        Tensor t = Tensor.zeros(shape);
        int n = t.numel();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        rng.shuffle(perm);
        for (int i = 0; i < n; i++) t.data[i] = (perm[i] - n / 2f) * gap;
        return t;
    }

    /** Scales t's values in place and returns it. */
    public static Tensor mulBy(Tensor t, float s) {
        for (int i = 0; i < t.data.length; i++) t.data[i] *= s;
        return t;
    }

    /** Every parameter's values, one after another in the list's order (to compare whole models bit for bit). */
    public static float[] flatValues(java.util.List<dev.nanolm.nn.Parameter> ps) {
        return flat(ps.stream().map(dev.nanolm.nn.Parameter::value).toList());
    }

    /** The tensors' values, one after another. */
    public static float[] flat(java.util.Collection<Tensor> ts) {
        float[] all = new float[ts.stream().mapToInt(Tensor::numel).sum()];
        int off = 0;
        for (Tensor t : ts) {
            System.arraycopy(t.data, 0, all, off, t.numel());
            off += t.numel();
        }
        return all;
    }

    /** n integers uniform in [0, bound). */
    public static int[] ints(Rng rng, int n, int bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextInt(bound);
        return a;
    }

    /** Fails unless |expected - actual| <= tol * max(1, |expected|) everywhere; names the worst element. */
    public static void assertClose(String what, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) fail(what + ": lengths " + expected.length + " vs " + actual.length);
        double worst = 0;
        int wi = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.abs((double) expected[i] - actual[i]) / Math.max(1.0, Math.abs(expected[i]));
            if (Double.isNaN(e)) e = Double.POSITIVE_INFINITY;
            if (e > worst) { worst = e; wi = i; }
        }
        if (worst > tol)
            fail(String.format("%s: element %d expected %.7g got %.7g (err %.3g > %.3g)", what, wi, expected[wi], actual[wi], worst, tol));
    }

    public static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape, actual.shape, what + ": shapes differ");
        assertClose(what, expected.data, actual.data, tol);
    }
}
