// Gated recurrent unit as torch.nn.GRU(batch_first=True), gate order (r, z, n):
// r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
// h' = (1 - z) * n + z * h.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class Gru extends Recurrent {
    public Gru(int inputSize, int hiddenSize, int numLayers, boolean bias, float dropout, boolean bidirectional, Rng rng) {
        super("Gru", 3, false, inputSize, hiddenSize, numLayers, bias, dropout, bidirectional, rng);
    }

    @Override
    Tensor[] step(Tensor xg, Tensor h, Tensor c, Tensor wHh, Tensor bHh) {
        int H = hiddenSize;
        // b_hn stays inside the reset gate's product (PyTorch's formulation, unlike the original paper's)
        Tensor[] hp = Ops.split(Ops.linear(h, wHh, bHh), 1, 2 * H, H);
        Tensor[] xp = Ops.split(xg, 1, 2 * H, H);
        Tensor[] rz = Ops.split(Ops.sigmoid(Ops.add(xp[0], hp[0])), 1, H, H); // r and z in one sigmoid
        Tensor n = Ops.tanh(Ops.add(xp[1], Ops.mul(rz[0], hp[1])));
        // (1 - z) n + z h written as n + z (h - n): one op fewer, same value
        return new Tensor[] {Ops.add(n, Ops.mul(rz[1], Ops.sub(h, n))), null};
    }
}
