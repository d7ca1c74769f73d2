// Reductions: sum and mean over everything or one dim, max with its argmax routing, argmax.
// A reduced dim is viewed as (outer, D, inner); sums accumulate in double.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Tensor;

final class ReduceOps {
    private ReduceOps() {}

    static Tensor sum(Tensor a) { return sumAll(a, 1.0); }

    static Tensor mean(Tensor a) { return sumAll(a, 1.0 / a.numel()); }

    private static Tensor sumAll(Tensor a, double scale) {
        float[] X = a.data;
        double s = 0;
        for (float v : X) s += v;
        Tensor out = Tensor.scalar((float) (s * scale));
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float g = (float) (out.grad()[0] * scale);
            float[] dX = a.grad();
            for (int i = 0; i < dX.length; i++) dX[i] += g;
        });
        return out;
    }

    static Tensor sum(Tensor a, int dim, boolean keepDim) { return sumDim("sum", a, dim, keepDim, false); }

    static Tensor mean(Tensor a, int dim, boolean keepDim) { return sumDim("mean", a, dim, keepDim, true); }

    private static int[] reducedShape(int[] shape, int d, boolean keepDim) {
        return keepDim ? OpUtil.withDim(shape, d, 1) : OpUtil.without(shape, d);
    }

    private static Tensor sumDim(String op, Tensor a, int dim, boolean keepDim, boolean mean) {
        int d = OpUtil.axis(op, a, dim);
        int outer = OpUtil.prod(a.shape, 0, d), D = a.shape[d], inner = OpUtil.prod(a.shape, d + 1, a.rank());
        double scale = mean ? 1.0 / D : 1.0;
        Tensor out = Tensor.zeros(reducedShape(a.shape, d, keepDim));
        float[] X = a.data, Y = out.data;
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            java.util.Arrays.fill(acc, 0);
            for (int j = 0; j < D; j++) {
                int base = (o * D + j) * inner;
                for (int i = 0; i < inner; i++) acc[i] += X[base + i];
            }
            for (int i = 0; i < inner; i++) Y[o * inner + i] = (float) (acc[i] * scale);
        }
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            float sc = (float) scale;
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < D; j++) {
                    int base = (o * D + j) * inner;
                    for (int i = 0; i < inner; i++) dX[base + i] += g[o * inner + i] * sc;
                }
        });
        return out;
    }

    /** Max over dim; backward routes each gradient to the position of the (first) maximum. */
    static Tensor max(Tensor a, int dim, boolean keepDim) {
        int d = OpUtil.axis("max", a, dim);
        int outer = OpUtil.prod(a.shape, 0, d), D = a.shape[d], inner = OpUtil.prod(a.shape, d + 1, a.rank());
        if (D == 0) throw new dev.nanolm.tensor.ShapeException("max: empty dim " + dim + " in shape " + OpUtil.s(a));
        int[] arg = argmaxImpl(a, outer, D, inner);
        Tensor out = Tensor.zeros(reducedShape(a.shape, d, keepDim));
        float[] X = a.data, Y = out.data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) Y[o * inner + i] = X[(o * D + arg[o * inner + i]) * inner + i];
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) dX[(o * D + arg[o * inner + i]) * inner + i] += g[o * inner + i];
        });
        return out;
    }

    /** Index of the maximum along dim (first on ties), one per remaining position in row-major order. */
    static int[] argmax(Tensor a, int dim) {
        int d = OpUtil.axis("argmax", a, dim);
        int outer = OpUtil.prod(a.shape, 0, d), D = a.shape[d], inner = OpUtil.prod(a.shape, d + 1, a.rank());
        if (D == 0) throw new dev.nanolm.tensor.ShapeException("argmax: empty dim " + dim + " in shape " + OpUtil.s(a));
        return argmaxImpl(a, outer, D, inner);
    }

    private static int[] argmaxImpl(Tensor a, int outer, int D, int inner) {
        float[] X = a.data;
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bv = X[o * D * inner + i];
                for (int j = 1; j < D; j++) {
                    float v = X[(o * D + j) * inner + i];
                    if (v > bv || (v != v && bv == bv)) { bv = v; best = j; } // NaN wins, as in PyTorch
                }
                arg[o * inner + i] = best;
            }
        return arg;
    }
}
