// Ops that move values without arithmetic: reshape/view, transpose, concat, split, embedding lookup.
// Backward moves the gradient back the same way (embedding: scatter-add).
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

final class ShapeOps {
    private ShapeOps() {}

    /** A view sharing data and gradient with a; no tape entry is needed since the gradient buffer is the same. */
    static Tensor reshape(Tensor a, int... shape) {
        return a.view(shape);
    }

    /** Copy with dims d0 and d1 swapped. */
    static Tensor transpose(Tensor a, int d0, int d1) {
        int p = OpUtil.axis("transpose", a, d0), q = OpUtil.axis("transpose", a, d1);
        if (p > q) { int t = p; p = q; q = t; }
        int[] outShape = a.shape();
        outShape[p] = a.shape[q];
        outShape[q] = a.shape[p];
        Tensor out = Tensor.zeros(outShape);
        // a is (outer, D0, mid, D1, inner); out is (outer, D1, mid, D0, inner).
        int outer = OpUtil.prod(a.shape, 0, p), D0 = a.shape[p], mid = OpUtil.prod(a.shape, p + 1, q),
            D1 = a.shape[q], inner = OpUtil.prod(a.shape, q + 1, a.rank());
        Tape.compute(out, () -> permute(a.data, out.data, outer, D0, mid, D1, inner, false));
        if (Tape.needsGrad(a)) Tape.record(out, () -> permute(out.grad(), a.grad(), outer, D1, mid, D0, inner, true));
        return out;
    }

    /** dst(outer, D1, mid, D0, inner) = src(outer, D0, mid, D1, inner), or += when accumulate. */
    private static void permute(float[] src, float[] dst, int outer, int D0, int mid, int D1, int inner, boolean accumulate) {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < D1; j++)
                for (int m = 0; m < mid; m++)
                    for (int i = 0; i < D0; i++) {
                        int s = (((o * D0 + i) * mid + m) * D1 + j) * inner;
                        int d = (((o * D1 + j) * mid + m) * D0 + i) * inner;
                        if (accumulate) for (int n = 0; n < inner; n++) dst[d + n] += src[s + n];
                        else System.arraycopy(src, s, dst, d, inner);
                    }
    }

    /** Joins tensors along dim; all other dims must agree. */
    static Tensor concat(int dim, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        Tensor first = ts[0];
        int d = OpUtil.axis("concat", first, dim);
        int total = 0;
        for (Tensor t : ts) {
            if (t.rank() != first.rank()) throw OpUtil.mismatch("concat", first, t, "have different ranks");
            for (int i = 0; i < t.rank(); i++)
                if (i != d && t.shape[i] != first.shape[i]) throw OpUtil.mismatch("concat", first, t, "differ outside dim " + dim);
            total += t.shape[d];
        }
        int outer = OpUtil.prod(first.shape, 0, d), inner = OpUtil.prod(first.shape, d + 1, first.rank());
        Tensor out = Tensor.zeros(OpUtil.withDim(first.shape, d, total));
        float[] Y = out.data;
        int rowOut = total * inner;
        Tape.compute(out, () -> {
            for (int o = 0, off = 0; o < outer; o++) {
                for (Tensor t : ts) {
                    int chunk = t.shape[d] * inner;
                    System.arraycopy(t.data, o * chunk, Y, off, chunk);
                    off += chunk;
                }
            }
        });
        if (Tape.needsGrad(ts)) Tape.record(out, () -> {
            float[] g = out.grad();
            int start = 0;
            for (Tensor t : ts) {
                int chunk = t.shape[d] * inner;
                if (t.requiresGrad) {
                    float[] dT = t.grad();
                    for (int o = 0; o < outer; o++) {
                        int src = o * rowOut + start, dst = o * chunk;
                        for (int n = 0; n < chunk; n++) dT[dst + n] += g[src + n];
                    }
                }
                start += chunk;
            }
        });
        return out;
    }

    /** Splits a along dim into pieces of the given sizes (which must add up to the dim). */
    static Tensor[] split(Tensor a, int dim, int... sizes) {
        int d = OpUtil.axis("split", a, dim);
        int sum = 0;
        for (int sz : sizes) {
            if (sz < 0) throw new ShapeException("split: negative size in " + Arrays.toString(sizes));
            sum += sz;
        }
        if (sum != a.shape[d])
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " do not add up to dim " + dim + " of shape " + OpUtil.s(a));
        int outer = OpUtil.prod(a.shape, 0, d), inner = OpUtil.prod(a.shape, d + 1, a.rank());
        int rowIn = a.shape[d] * inner;
        Tensor[] outs = new Tensor[sizes.length];
        boolean grad = Tape.needsGrad(a);
        int start = 0;
        for (int p = 0; p < sizes.length; p++) {
            int chunk = sizes[p] * inner, st = start;
            Tensor out = Tensor.zeros(OpUtil.withDim(a.shape, d, sizes[p]));
            Tape.compute(out, () -> { for (int o = 0; o < outer; o++) System.arraycopy(a.data, o * rowIn + st, out.data, o * chunk, chunk); });
            if (grad) Tape.record(out, () -> {
                float[] g = out.grad(), dA = a.grad();
                for (int o = 0; o < outer; o++) {
                    int dst = o * rowIn + st, src = o * chunk;
                    for (int n = 0; n < chunk; n++) dA[dst + n] += g[src + n];
                }
            });
            outs[p] = out;
            start += chunk;
        }
        return outs;
    }

    /** Rows of weight (V,C) picked by idx, shaped (idxShape..., C); backward scatter-adds into weight's grad. */
    static Tensor embedding(Tensor weight, int[] idx, int... idxShape) {
        if (weight.rank() != 2) throw new ShapeException("embedding: weight must be (V,C), got " + OpUtil.s(weight));
        int V = weight.dim(0), C = weight.dim(1);
        int[] is = idxShape.length == 0 ? new int[] {idx.length} : idxShape;
        if (Tensor.numel(is) != idx.length)
            throw new ShapeException("embedding: index shape " + Arrays.toString(is) + " does not hold " + idx.length + " indices");
        int[] ids = new int[idx.length]; // the caller may refill its index buffer before backward runs
        Tensor out = Tensor.zeros(OpUtil.prefixPlus(is, is.length, C));
        float[] W = weight.data, Y = out.data;
        Tape.compute(out, () -> { // reads idx as it is now: a replay reads the refilled buffer
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] < 0 || idx[i] >= V)
                    throw new IllegalArgumentException("embedding: index " + idx[i] + " at position " + i + " is out of range [0, " + V + ")");
                ids[i] = idx[i];
            }
            for (int i = 0; i < ids.length; i++) System.arraycopy(W, ids[i] * C, Y, i * C, C);
        });
        Kernels k = Ops.kernels();
        if (Tape.needsGrad(weight)) Tape.record(out, () -> {
            float[] g = out.grad(), dW = weight.grad();
            for (int i = 0; i < ids.length; i++) k.axpy(1f, g, i * C, dW, ids[i] * C, C);
        });
        return out;
    }
}
