// Ops over padded batches of sequences (B,T,H) with per-row lengths: masked mean and max over time, the output at
// each row's last real step, and a per-row choice between two states (to hold a recurrent state over padding).
package dev.nanolm.autograd;

import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

final class SeqOps {
    private SeqOps() {}

    /** Checks x (B,T,H) against lengths (B values in 1..T). */
    private static void check(String op, Tensor x, int[] lengths) {
        if (x.rank() != 3) throw new ShapeException(op + ": needs (B,T,H), got " + OpUtil.s(x));
        if (lengths == null || lengths.length != x.dim(0))
            throw new ShapeException(op + ": needs one length per row (" + x.dim(0) + "), got " + (lengths == null ? "null" : lengths.length));
        for (int L : lengths)
            if (L < 1 || L > x.dim(1)) throw new ShapeException(op + ": length " + L + " outside 1.." + x.dim(1));
    }

    /** y[b] = mean over t < len[b] of x[b,t] (all T steps when includePadding, PyTorch's plain mean(dim=1)). */
    static Tensor maskedMean(Tensor x, int[] lengths, boolean includePadding) {
        check("maskedMean", x, lengths);
        int B = x.dim(0), T = x.dim(1), H = x.dim(2);
        Tensor out = Tensor.zeros(B, H);
        float[] X = x.data, Y = out.data;
        for (int b = 0; b < B; b++) {
            int L = includePadding ? T : lengths[b];
            float inv = 1f / L;
            for (int t = 0; t < L; t++) {
                int base = (b * T + t) * H;
                for (int h = 0; h < H; h++) Y[b * H + h] += X[base + h];
            }
            for (int h = 0; h < H; h++) Y[b * H + h] *= inv;
        }
        if (Tape.needsGrad(x)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = x.grad();
            for (int b = 0; b < B; b++) {
                int L = includePadding ? T : lengths[b];
                float inv = 1f / L;
                for (int t = 0; t < L; t++) {
                    int base = (b * T + t) * H;
                    for (int h = 0; h < H; h++) dX[base + h] += g[b * H + h] * inv;
                }
            }
        });
        return out;
    }

    /** y[b,h] = max over t < len[b] of x[b,t,h]; the gradient goes to the first maximum. */
    static Tensor maskedMax(Tensor x, int[] lengths) {
        check("maskedMax", x, lengths);
        int B = x.dim(0), T = x.dim(1), H = x.dim(2);
        Tensor out = Tensor.zeros(B, H);
        float[] X = x.data, Y = out.data;
        int[] arg = new int[B * H];
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int best = 0;
                float bv = X[b * T * H + h];
                for (int t = 1; t < lengths[b]; t++) {
                    float v = X[(b * T + t) * H + h];
                    if (v > bv) { bv = v; best = t; }
                }
                arg[b * H + h] = best;
                Y[b * H + h] = bv;
            }
        if (Tape.needsGrad(x)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = x.grad();
            for (int b = 0; b < B; b++)
                for (int h = 0; h < H; h++) dX[(b * T + arg[b * H + h]) * H + h] += g[b * H + h];
        });
        return out;
    }

    /** y[b] = x[b, len[b]-1]: each row's output at its last real step. */
    static Tensor lastStep(Tensor x, int[] lengths) {
        check("lastStep", x, lengths);
        int B = x.dim(0), T = x.dim(1), H = x.dim(2);
        Tensor out = Tensor.zeros(B, H);
        Tape.compute(out, () -> { for (int b = 0; b < B; b++) System.arraycopy(x.data, (b * T + lengths[b] - 1) * H, out.data, b * H, H); });
        if (Tape.needsGrad(x)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = x.grad();
            for (int b = 0; b < B; b++) {
                int base = (b * T + lengths[b] - 1) * H;
                for (int h = 0; h < H; h++) dX[base + h] += g[b * H + h];
            }
        });
        return out;
    }

    /** out[b] = take[b] ? a[b] : other[b] for a, other (B,...) of one shape; each row's gradient goes to its source. */
    static Tensor selectRows(boolean[] take, Tensor a, Tensor other) {
        if (!java.util.Arrays.equals(a.shape, other.shape)) throw OpUtil.mismatch("selectRows", a, other, "differ");
        if (a.rank() == 0 || take.length != a.dim(0))
            throw new ShapeException("selectRows: needs one flag per row of " + OpUtil.s(a) + ", got " + take.length);
        int B = a.dim(0), W = a.numel() / Math.max(1, B);
        Tensor out = Tensor.zeros(a.shape);
        for (int b = 0; b < B; b++) System.arraycopy(take[b] ? a.data : other.data, b * W, out.data, b * W, W);
        boolean ga = Tape.needsGrad(a), go = Tape.needsGrad(other);
        if (ga || go) Tape.record(out, () -> {
            float[] g = out.grad();
            float[] dA = ga ? a.grad() : null, dO = go ? other.grad() : null;
            for (int b = 0; b < B; b++) {
                float[] d = take[b] ? dA : dO;
                if (d == null) continue;
                for (int i = b * W; i < (b + 1) * W; i++) d[i] += g[i];
            }
        });
        return out;
    }
}
