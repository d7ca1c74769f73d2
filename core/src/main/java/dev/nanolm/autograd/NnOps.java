// Neural-network ops over the last dim: softmax, log-softmax, fused cross-entropy, layer norm,
// and channels-last batch norm. Row-wise hot loops go through the kernels.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

final class NnOps {
    private NnOps() {}

    private static int lastDim(String op, Tensor a) {
        if (a.rank() < 1 || a.dim(-1) == 0) throw new ShapeException(op + ": needs a non-empty last dim, got shape " + OpUtil.s(a));
        return a.dim(-1);
    }

    // ---------------------------------------------------------------- softmax, log-softmax

    static Tensor softmax(Tensor a) {
        Kernels k = Ops.kernels();
        int C = lastDim("softmax", a), rows = a.numel() / C;
        Tensor out = Tensor.zeros(a.shape);
        float[] Y = out.data;
        k.softmax(a.data, 0, Y, 0, rows, C);
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            // dx = y * (dy - sum(dy * y)) per row
            float[] g = out.grad(), dX = a.grad();
            for (int r = 0; r < rows; r++) {
                int o = r * C;
                float s = k.dot(g, o, Y, o, C);
                for (int j = 0; j < C; j++) dX[o + j] += Y[o + j] * (g[o + j] - s);
            }
        });
        return out;
    }

    static Tensor logSoftmax(Tensor a) {
        Kernels k = Ops.kernels();
        int C = lastDim("logSoftmax", a), rows = a.numel() / C;
        Tensor out = Tensor.zeros(a.shape);
        float[] Y = out.data;
        k.logSoftmax(a.data, 0, Y, 0, rows, C);
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            // dx = dy - softmax * sum(dy) per row, softmax = exp(y)
            float[] g = out.grad(), dX = a.grad();
            for (int r = 0; r < rows; r++) {
                int o = r * C;
                double s = 0;
                for (int j = 0; j < C; j++) s += g[o + j];
                float sf = (float) s;
                for (int j = 0; j < C; j++) dX[o + j] += g[o + j] - (float) Math.exp(Y[o + j]) * sf;
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- cross-entropy

    /**
     * Mean negative log-likelihood of targets under softmax(logits), logits viewed as (N,C).
     * Rows whose target equals ignoreIndex count neither in the loss nor in the mean.
     */
    static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        Kernels k = Ops.kernels();
        int C = lastDim("crossEntropy", logits), N = logits.numel() / C;
        if (targets.length != N)
            throw new ShapeException("crossEntropy: logits shape " + OpUtil.s(logits) + " has " + N + " rows but got "
                + targets.length + " targets");
        int[] t = new int[N], count = new int[1]; // the caller may refill its target buffer before backward runs
        float[] logp = Arena.floats(N * C);
        Tensor out = Tensor.scalar(0f);
        Tape.compute(out, () -> { // reads targets as they are now: a replay reads the refilled buffer
            int cnt = 0;
            for (int r = 0; r < N; r++) {
                t[r] = targets[r];
                if (t[r] == ignoreIndex) continue;
                if (t[r] < 0 || t[r] >= C)
                    throw new IllegalArgumentException("crossEntropy: target " + t[r] + " at index " + r + " is out of range [0, " + C + ")");
                cnt++;
            }
            count[0] = cnt;
            k.logSoftmax(logits.data, 0, logp, 0, N, C);
            double nll = 0;
            for (int r = 0; r < N; r++) if (t[r] != ignoreIndex) nll -= logp[r * C + t[r]];
            out.data[0] = cnt == 0 ? 0f : (float) (nll / cnt);
        });
        if (Tape.needsGrad(logits)) {
            float[] p = Arena.floats(N * C); // taken now, not in the backward: a replayed step takes nothing
            Tape.record(out, () -> {
                int cnt = count[0];
                if (cnt == 0) return;
                // dlogits = (softmax - onehot(target)) * dloss / count, recomputed here so forward keeps no (N,C) buffer
                float scale = out.grad()[0] / cnt;
                float[] dL = logits.grad();
                k.softmax(logits.data, 0, p, 0, N, C);
                for (int r = 0; r < N; r++) {
                    if (t[r] == ignoreIndex) continue;
                    int o = r * C;
                    p[o + t[r]] -= 1f;
                    k.axpy(scale, p, o, dL, o, C);
                }
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- layer norm

    /** LayerNorm over the last dim with weight w (C) and optional bias b (C); w null means no scale. */
    static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) {
        Kernels k = Ops.kernels();
        int C = lastDim("layerNorm", x), rows = x.numel() / C;
        OpUtil.checkVector("layerNorm", "weight", w, x, C);
        OpUtil.checkVector("layerNorm", "bias", b, x, C);
        float[] W = w != null ? w.data : Arena.floats(C);
        Tensor out = Tensor.zeros(x.shape);
        float[] mean = Arena.floats(rows), rstd = Arena.floats(rows);
        Tape.compute(out, () -> {
            if (w == null) Arrays.fill(W, 1f); // no scale: ones (filled here: a replay zeroes this op's arrays before it runs)
            k.layerNormForward(x.data, W, b != null ? b.data : null, out.data, mean, rstd, rows, C, eps);
        });
        if (Tape.needsGrad(x, w, b)) {
            // The kernel always writes all gradients; inputs that need none get a scratch buffer (taken now, not in
            // the backward: a replayed step takes nothing).
            float[] sX = x.requiresGrad ? null : Arena.floats(x.numel());
            float[] sW = w != null && w.requiresGrad ? null : Arena.floats(C);
            float[] sB = b == null || b.requiresGrad ? null : Arena.floats(C);
            Tape.record(out, () -> {
                float[] dX = sX == null ? x.grad() : sX, dW = sW == null ? w.grad() : sW;
                float[] dB = b == null ? null : sB == null ? b.grad() : sB;
                k.layerNormBackward(out.grad(), x.data, W, mean, rstd, dX, dW, dB, rows, C);
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- batch norm (channels last)

    /**
     * BatchNorm with channels in the last dim; statistics over all other dims. Training normalises with the batch
     * mean and biased variance and updates the running stats in place (unbiased variance), as PyTorch does; with
     * unbiased, training normalises with the unbiased variance too, as the makemore lectures' x.var() / x.std().
     * Eval uses the running stats; with no running stats (null) the batch stats are used in both modes.
     */
    static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                            boolean training, float momentum, float eps, boolean unbiased) {
        if (x.rank() < 2) throw new ShapeException("batchNorm: input must be (N,C) or (N,...,C), got " + OpUtil.s(x));
        int C = lastDim("batchNorm", x), R = x.numel() / C;
        OpUtil.checkVector("batchNorm", "gamma", gamma, x, C);
        OpUtil.checkVector("batchNorm", "beta", beta, x, C);
        OpUtil.checkVector("batchNorm", "running mean", runningMean, x, C);
        OpUtil.checkVector("batchNorm", "running var", runningVar, x, C);
        float[] X = x.data;
        float[] mean = Arena.floats(C), rstd = Arena.floats(C);
        boolean batchStats = training || runningMean == null || runningVar == null;
        int N = unbiased && R > 1 ? R - 1 : R; // the batch variance's divisor
        if (batchStats && training && R < 2)
            throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got input shape " + OpUtil.s(x));
        double[] s = batchStats ? new double[C] : null, ss = batchStats ? new double[C] : null;
        Tensor out = Tensor.zeros(x.shape);
        float[] Y = out.data, G = gamma != null ? gamma.data : null, B = beta != null ? beta.data : null;
        Tape.compute(out, () -> { // the running stats too: a replayed training step updates them as this one does
            if (batchStats) {
                Arrays.fill(s, 0);
                Arrays.fill(ss, 0);
                for (int r = 0; r < R; r++) for (int c = 0; c < C; c++) s[c] += X[r * C + c];
                for (int c = 0; c < C; c++) mean[c] = (float) (s[c] / R);
                for (int r = 0; r < R; r++) for (int c = 0; c < C; c++) { double d = X[r * C + c] - mean[c]; ss[c] += d * d; }
                for (int c = 0; c < C; c++) rstd[c] = (float) (1.0 / Math.sqrt(ss[c] / N + eps));
                if (training && runningMean != null) {
                    float[] rm = runningMean.data;
                    for (int c = 0; c < C; c++) rm[c] = (1f - momentum) * rm[c] + momentum * mean[c];
                }
                if (training && runningVar != null) {
                    float[] rv = runningVar.data;
                    for (int c = 0; c < C; c++) rv[c] = (1f - momentum) * rv[c] + momentum * (float) (ss[c] / (R - 1));
                }
            } else {
                // copies: a later training step may update the running stats before this backward runs
                System.arraycopy(runningMean.data, 0, mean, 0, C);
                for (int c = 0; c < C; c++) rstd[c] = (float) (1.0 / Math.sqrt(runningVar.data[c] + eps));
            }
            for (int r = 0; r < R; r++)
                for (int c = 0; c < C; c++) {
                    int i = r * C + c;
                    float v = (X[i] - mean[c]) * rstd[c];
                    if (G != null) v *= G[c];
                    if (B != null) v += B[c];
                    Y[i] = v;
                }
        });
        if (!Tape.needsGrad(x, gamma, beta)) return out;
        // per-channel sums and factors of the backward, made here once: a replayed step allocates nothing
        double[] sumDy = new double[C], sumDyXhat = new double[C];
        float[] a = new float[C], mDy = new float[C], mDyX = new float[C];
        Tape.record(out, () -> {
            float[] g = out.grad();
            Arrays.fill(sumDy, 0);
            Arrays.fill(sumDyXhat, 0);
            for (int r = 0; r < R; r++)
                for (int c = 0; c < C; c++) {
                    int i = r * C + c;
                    float xhat = (X[i] - mean[c]) * rstd[c];
                    sumDy[c] += g[i];
                    sumDyXhat[c] += g[i] * xhat;
                }
            if (gamma != null && gamma.requiresGrad) {
                float[] dG = gamma.grad();
                for (int c = 0; c < C; c++) dG[c] += (float) sumDyXhat[c];
            }
            if (beta != null && beta.requiresGrad) {
                float[] dB = beta.grad();
                for (int c = 0; c < C; c++) dB[c] += (float) sumDy[c];
            }
            if (!x.requiresGrad) return;
            float[] dX = x.grad();
            if (batchStats) {
                // Through the batch statistics: dx = gamma*rstd * (dy - sum(dy)/R - xhat*sum(dy*xhat)/N) per channel,
                // N the variance's divisor (R, or R-1 when unbiased)
                for (int c = 0; c < C; c++) {
                    a[c] = (G != null ? G[c] : 1f) * rstd[c];
                    mDy[c] = (float) (sumDy[c] / R);
                    mDyX[c] = (float) (sumDyXhat[c] / N);
                }
                for (int r = 0; r < R; r++)
                    for (int c = 0; c < C; c++) {
                        int i = r * C + c;
                        float xhat = (X[i] - mean[c]) * rstd[c];
                        dX[i] += a[c] * (g[i] - mDy[c] - xhat * mDyX[c]);
                    }
            } else {
                // Eval: a fixed affine map per channel.
                for (int r = 0; r < R; r++)
                    for (int c = 0; c < C; c++) {
                        int i = r * C + c;
                        dX[i] += g[i] * (G != null ? G[c] : 1f) * rstd[c];
                    }
            }
        });
        return out;
    }
}
