// Helpers for running nanolm's work in libtorch (PyTorch 2.7.1 through DJL): Tensor <-> NDArray copies, managers,
// 0-d constants (safe inside a GradientCollector). Used by the peer tests and by the bench module.
package dev.nanolm.peer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class Torch {
    private Torch() {}

    /** The PyTorch engine; fails loudly (rather than falling back to another engine) if libtorch did not load. */
    public static Engine engine() {
        Engine e = Engine.getEngine("PyTorch");
        if (e == null) throw new IllegalStateException("DJL PyTorch engine not available");
        return e;
    }

    /** A fresh CPU manager; close it when done (it frees every array it created). */
    public static NDManager manager() {
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    /** Records torch autograd until closed. Only one may be open per JVM (DJL keeps a global flag). */
    public static GradientCollector gradients() {
        return engine().newGradientCollector();
    }

    /** A float32 copy of t with the same shape; a leaf that records gradients when requiresGrad. */
    public static NDArray nd(NDManager m, Tensor t, boolean requiresGrad) {
        NDArray a = m.create(t.data.clone(), shapeOf(t.shape));
        if (requiresGrad) a.setRequiresGradient(true);
        return a;
    }

    public static NDArray nd(NDManager m, Tensor t) { return nd(m, t, false); }

    /** int64 indices (what torch's embedding and cross-entropy expect) with the given shape. */
    public static NDArray indices(NDManager m, int[] idx, int... shape) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) l[i] = idx[i];
        return m.create(l, shapeOf(shape.length == 0 ? new int[] {idx.length} : shape));
    }

    /**
     * A long-lived 0-d float32 constant. Use it instead of NDArray's Number overloads inside a
     * GradientCollector: those free their temporary scalar right after the op, and backward may then
     * read freed memory (PERF-NOTES.md, "The libtorch peer through DJL").
     */
    public static NDArray scalar(NDManager m, float v) {
        return m.create(v);
    }

    /** A nanolm tensor holding a copy of a's values (converted to float32) and shape. */
    public static Tensor tensor(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) shape[i] = Math.toIntExact(s[i]);
        return Tensor.of(floats(a), shape);
    }

    /** a's values as float32, row-major. */
    public static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) return a.toFloatArray();
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /** Gradient accumulated in a torch leaf, as float32 values. */
    public static float[] grad(NDArray leaf) {
        try (NDArray g = leaf.getGradient()) {
            return g.toFloatArray();
        }
    }

    public static Shape shapeOf(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) l[i] = shape[i];
        return new Shape(l);
    }

    /** Standard normal values times scale, from the seeded nanolm RNG. */
    public static Tensor randn(Rng rng, float scale, int... shape) {
        float[] d = new float[Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * scale);
        return Tensor.of(d, shape);
    }

    public static int[] randint(Rng rng, int bound, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = rng.nextInt(bound);
        return r;
    }
}
