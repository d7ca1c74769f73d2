// Long short-term memory as torch.nn.LSTM(batch_first=True), gate order (i, f, g, o):
// c' = f * c + i * g, h' = o * tanh(c'), with i, f, o sigmoids and g a tanh of x W_ih^T + b_ih + h W_hh^T + b_hh.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class Lstm extends Recurrent {
    public Lstm(int inputSize, int hiddenSize, int numLayers, boolean bias, float dropout, boolean bidirectional, Rng rng) {
        super("Lstm", 4, true, inputSize, hiddenSize, numLayers, bias, dropout, bidirectional, rng);
    }

    @Override
    Tensor[] step(Tensor xg, Tensor h, Tensor c, Tensor wHh, Tensor bHh) {
        int H = hiddenSize;
        Tensor[] p = Ops.split(Ops.add(xg, Ops.linear(h, wHh, bHh)), 1, 2 * H, H, H);
        Tensor[] inF = Ops.split(Ops.sigmoid(p[0]), 1, H, H); // i and f are adjacent: one sigmoid for both
        Tensor g = Ops.tanh(p[1]), o = Ops.sigmoid(p[2]);
        Tensor c2 = Ops.add(Ops.mul(inF[1], c), Ops.mul(inF[0], g));
        return new Tensor[] {Ops.mul(o, Ops.tanh(c2)), c2};
    }

    @Override
    Tensor[] layer(Tensor xg, Tensor h0, Tensor c0, Tensor wHh, Tensor bHh, int[] lengths, boolean reverse) {
        // the whole recurrence as one op (Ops.lstmLayer), as the GRU's; step() stays its per-step definition
        return Ops.lstmLayer(xg, wHh, bHh, h0, c0, lengths, reverse);
    }
}
