// Elman recurrent network with tanh, as torch.nn.RNN(nonlinearity='tanh', batch_first=True):
// h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh).
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class Rnn extends Recurrent {
    public Rnn(int inputSize, int hiddenSize, int numLayers, boolean bias, float dropout, boolean bidirectional, Rng rng) {
        super("Rnn", 1, false, inputSize, hiddenSize, numLayers, bias, dropout, bidirectional, rng);
    }

    @Override
    Tensor[] step(Tensor xg, Tensor h, Tensor c, Tensor wHh, Tensor bHh) {
        return new Tensor[] {Ops.tanh(Ops.add(xg, Ops.linear(h, wHh, bHh))), null};
    }
}
