// Small shared helpers for the op families: shape checks, dimension arithmetic, error messages.
package dev.nanolm.autograd;

import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

final class OpUtil {
    private OpUtil() {}

    static String s(Tensor t) { return Arrays.toString(t.shape); }

    static String s(int[] shape) { return Arrays.toString(shape); }

    /** A ShapeException naming the op and both shapes. */
    static ShapeException mismatch(String op, Tensor a, Tensor b, String why) {
        return new ShapeException(op + ": shapes " + s(a) + " and " + s(b) + " " + why);
    }

    /** Resolves a possibly negative dimension index against rank. */
    static int axis(String op, Tensor a, int dim) {
        int r = a.rank();
        int d = dim < 0 ? dim + r : dim;
        if (d < 0 || d >= r) throw new ShapeException(op + ": dim " + dim + " out of range for shape " + s(a));
        return d;
    }

    /** Product of shape[from, to). */
    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /** shape with dim d replaced by size. */
    static int[] withDim(int[] shape, int d, int size) {
        int[] o = shape.clone();
        o[d] = size;
        return o;
    }

    /** shape without dim d. */
    static int[] without(int[] shape, int d) {
        int[] o = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) o[j++] = shape[i];
        return o;
    }

    /** shape[0..n-1] followed by last. */
    static int[] prefixPlus(int[] shape, int n, int last) {
        int[] o = Arrays.copyOf(shape, n + 1);
        o[n] = last;
        return o;
    }

    /** A vector parameter (C) check, e.g. a LayerNorm weight; null passes. */
    static void checkVector(String op, String what, Tensor v, Tensor x, int C) {
        if (v != null && (v.rank() != 1 || v.dim(0) != C))
            throw new ShapeException(op + ": " + what + " shape " + s(v) + " does not fit input shape " + s(x) + " (needs [" + C + "])");
    }
}
