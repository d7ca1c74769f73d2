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
        // not reached while layer() fuses the recurrence; kept as its per-step definition (and for Recurrent's contract).
        // One fused op for the gates (Ops.gruCell): b_hn stays inside the reset gate's product, PyTorch's formulation
        return new Tensor[] {Ops.gruCell(xg, Ops.linear(h, wHh, bHh), h), null};
    }

    @Override
    Tensor[] layer(Tensor xg, Tensor h0, Tensor c0, Tensor wHh, Tensor bHh, int[] lengths, boolean reverse) {
        // the whole recurrence as one op (Ops.gruLayer): one dW_hh product over all steps, no per-step tape nodes
        return new Tensor[] {Ops.gruLayer(xg, wHh, bHh, h0, lengths, reverse), null};
    }
}
