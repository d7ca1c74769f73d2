// A float32, contiguous, row-major n-d array with an optional gradient buffer.
// No maths here: ops live in dev.nanolm.autograd, hot loops in dev.nanolm.kernels.
package dev.nanolm.tensor;

import java.util.Arrays;

public final class Tensor {
    /** Values, row-major; length == numel. Views (reshape) share this array. */
    public final float[] data;
    /** Shape, outermost first. Never mutated. */
    public final int[] shape;
    /** Gradient of the loss w.r.t. data, same length; allocated lazily by {@link #grad()}. Views share it. */
    private float[] grad;
    /** True when ops on this tensor must be recorded for backward. */
    public boolean requiresGrad;
    /** Optional name (parameter path), used in messages and checkpoints. */
    public String name;
    /** When non-null, this tensor is a view of base and shares base's grad buffer. */
    private final Tensor base;
    /** Made inside an {@link Arena} step: its gradient comes from the arena too (parameters never are). */
    private boolean transientStep;

    public Tensor(float[] data, int... shape) {
        this(data, shape, null);
    }

    private Tensor(float[] data, int[] shape, Tensor base) {
        for (int d : shape) if (d < 0) throw new ShapeException("negative dimension in " + Arrays.toString(shape));
        if (numel(shape) != data.length)
            throw new ShapeException("shape " + Arrays.toString(shape) + " needs " + numel(shape) + " values, got " + data.length);
        this.data = data;
        this.shape = shape.clone();
        this.base = base;
    }

    /** A zero tensor; inside an {@link Arena} step its values (and later its gradient) are arena arrays. */
    public static Tensor zeros(int... shape) {
        boolean inStep = Arena.active();
        Tensor t = new Tensor(Arena.floats(numel(shape)), shape);
        t.transientStep = inStep;
        return t;
    }

    public static Tensor scalar(float v) { return new Tensor(new float[] {v}); }

    public static Tensor of(float[] data, int... shape) { return new Tensor(data, shape); }

    /** A view with another shape over the same data and gradient (no copy). */
    public Tensor view(int... newShape) {
        int[] s = inferShape(newShape, data.length);
        Tensor root = base != null ? base : this;
        Tensor v = new Tensor(data, s, root);
        v.requiresGrad = requiresGrad;
        return v;
    }

    /** Resolves a single -1 in a requested shape. */
    public static int[] inferShape(int[] req, int n) {
        int[] s = req.clone();
        int unknown = -1, prod = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) throw new ShapeException("only one -1 allowed in " + Arrays.toString(req));
                unknown = i;
            } else prod *= s[i];
        }
        if (unknown >= 0) {
            if (prod == 0 || n % prod != 0) throw new ShapeException("cannot view " + n + " values as " + Arrays.toString(req));
            s[unknown] = n / prod;
        }
        if (numel(s) != n) throw new ShapeException("cannot view " + n + " values as " + Arrays.toString(req));
        return s;
    }

    public float[] grad() {
        if (base != null) return base.grad();
        if (grad == null) grad = transientStep ? Arena.floats(data.length) : new float[data.length];
        return grad;
    }

    public boolean hasGrad() { return base != null ? base.hasGrad() : grad != null; }

    public void zeroGrad() { if (hasGrad()) Arrays.fill(grad(), 0f); }

    public int numel() { return data.length; }

    public int rank() { return shape.length; }

    /** Size of dimension i; negative i counts from the end. */
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    public int[] shape() { return shape.clone(); }

    public float item() {
        if (data.length != 1) throw new ShapeException("item() on a tensor of shape " + Arrays.toString(shape));
        return data[0];
    }

    public Tensor requiresGrad(boolean r) { this.requiresGrad = r; return this; }

    /** Deep copy of the values (no gradient, no tape). */
    public Tensor copy() { return new Tensor(data.clone(), shape); }

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new ShapeException("tensor too large: " + Arrays.toString(shape));
        return (int) n;
    }

    @Override public String toString() {
        return "Tensor" + Arrays.toString(shape) + (name != null ? " " + name : "");
    }
}
