// Helpers for comparing nanolm with libtorch (PyTorch 2.7.1 through DJL): Tensor <-> NDArray copies,
// a per-test NDManager, 0-d constants (safe inside a GradientCollector) and a tolerance check naming the worst element.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

final class Torch {
    private Torch() {}

    /** The PyTorch engine; fails loudly (rather than falling back to another engine) if libtorch did not load. */
    static Engine engine() {
        Engine e = Engine.getEngine("PyTorch");
        if (e == null) throw new IllegalStateException("DJL PyTorch engine not available");
        return e;
    }

    /** A fresh CPU manager; close it at the end of the test (it frees every array it created). */
    static NDManager manager() {
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    /** Records torch autograd until closed. Only one may be open per JVM (DJL keeps a global flag). */
    static GradientCollector gradients() {
        return engine().newGradientCollector();
    }

    /** A float32 copy of t with the same shape; a leaf that records gradients when requiresGrad. */
    static NDArray nd(NDManager m, Tensor t, boolean requiresGrad) {
        NDArray a = m.create(t.data.clone(), shapeOf(t.shape));
        if (requiresGrad) a.setRequiresGradient(true);
        return a;
    }

    static NDArray nd(NDManager m, Tensor t) { return nd(m, t, false); }

    /** int64 indices (what torch's embedding and cross-entropy expect) with the given shape. */
    static NDArray indices(NDManager m, int[] idx, int... shape) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) l[i] = idx[i];
        return m.create(l, shapeOf(shape.length == 0 ? new int[] {idx.length} : shape));
    }

    /**
     * A long-lived 0-d float32 constant. Use it instead of NDArray's Number overloads inside a
     * GradientCollector: those free their temporary scalar right after the op, and backward may then
     * read freed memory (PERF-NOTES.md, "The libtorch peer through DJL").
     */
    static NDArray scalar(NDManager m, float v) {
        return m.create(v);
    }

    /** A nanolm tensor holding a copy of a's values (converted to float32) and shape. */
    static Tensor tensor(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) shape[i] = Math.toIntExact(s[i]);
        return Tensor.of(floats(a), shape);
    }

    /** a's values as float32, row-major. */
    static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) return a.toFloatArray();
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /** Gradient accumulated in a torch leaf, as float32 values. */
    static float[] grad(NDArray leaf) {
        try (NDArray g = leaf.getGradient()) {
            return g.toFloatArray();
        }
    }

    static Shape shapeOf(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) l[i] = shape[i];
        return new Shape(l);
    }

    /** Standard normal values times scale, from the seeded nanolm RNG. */
    static Tensor randn(Rng rng, float scale, int... shape) {
        float[] d = new float[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * scale);
        return Tensor.of(d, shape);
    }

    static int[] randint(Rng rng, int bound, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = rng.nextInt(bound);
        return r;
    }

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
