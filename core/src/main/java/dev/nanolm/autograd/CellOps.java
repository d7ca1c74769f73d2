// Fused recurrent cell steps: one op (and one backward) per GRU step instead of a dozen small elementwise ops, which
// on a batch of 32 cost more in allocation and dispatch than in arithmetic. Same equations and gate order as Gru.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

final class CellOps {
    private CellOps() {}

    /**
     * PyTorch's GRU step from its two projections: xg = x W_ih^T + b_ih and hp = h W_hh^T + b_hh, both (B,3H) in gate
     * order (r, z, n), and h (B,H): r = sigmoid(xg_r + hp_r), z = sigmoid(xg_z + hp_z), n = tanh(xg_n + r * hp_n),
     * h' = (1 - z) n + z h.
     */
    static Tensor gruCell(Tensor xg, Tensor hp, Tensor h) {
        if (h.rank() != 2 || xg.rank() != 2 || hp.rank() != 2)
            throw new ShapeException("gruCell: needs xg, hp (B,3H) and h (B,H), got " + OpUtil.s(xg) + ", " + OpUtil.s(hp) + ", " + OpUtil.s(h));
        int B = h.dim(0), H = h.dim(1), G = 3 * H;
        if (xg.dim(0) != B || hp.dim(0) != B || xg.dim(1) != G || hp.dim(1) != G)
            throw new ShapeException("gruCell: needs xg, hp (B,3H) and h (B,H), got " + OpUtil.s(xg) + ", " + OpUtil.s(hp) + ", " + OpUtil.s(h));
        Tensor out = Tensor.zeros(B, H);
        boolean gx = Tape.needsGrad(xg), gp = Tape.needsGrad(hp), gh = Tape.needsGrad(h);
        boolean keep = gx || gp || gh;
        float[] X = xg.data, P = hp.data, Hd = h.data, Y = out.data;
        // gates in arena arrays (reused by the next training step, like every activation), through the same vector
        // kernels as Ops.sigmoid and Ops.tanh: RZ (B,2H) = sigmoid of the r and z pre-activations, N (B,H) = tanh
        float[] RZ = Arena.floats(B * 2 * H), N = Arena.floats(B * H);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < 2 * H; j++) RZ[b * 2 * H + j] = X[b * G + j] + P[b * G + j];
        Ops.kernels().sigmoidForward(RZ, RZ, RZ.length);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) N[b * H + j] = X[b * G + 2 * H + j] + RZ[b * 2 * H + j] * P[b * G + 2 * H + j];
        Ops.kernels().tanhForward(N, N, N.length);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) {
                int i = b * H + j;
                float z = RZ[b * 2 * H + H + j], n = N[i];
                Y[i] = n + z * (Hd[i] - n);
            }
        if (keep) Tape.record(out, () -> {
            float[] g = out.grad();
            float[] dX = gx ? xg.grad() : null, dP = gp ? hp.grad() : null, dH = gh ? h.grad() : null;
            for (int b = 0; b < B; b++) {
                int xo = b * G, ho = b * H;
                for (int j = 0; j < H; j++) {
                    float gy = g[ho + j], r = RZ[b * 2 * H + j], z = RZ[b * 2 * H + H + j], n = N[ho + j];
                    if (dH != null) dH[ho + j] += gy * z;
                    float dnPre = gy * (1 - z) * (1 - n * n);
                    float dzPre = gy * (Hd[ho + j] - n) * z * (1 - z);
                    float drPre = dnPre * P[xo + 2 * H + j] * r * (1 - r);
                    if (dX != null) { dX[xo + j] += drPre; dX[xo + H + j] += dzPre; dX[xo + 2 * H + j] += dnPre; }
                    if (dP != null) { dP[xo + j] += drPre; dP[xo + H + j] += dzPre; dP[xo + 2 * H + j] += dnPre * r; }
                }
            }
        });
        return out;
    }

}
