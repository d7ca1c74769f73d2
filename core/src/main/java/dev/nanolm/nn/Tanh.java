// Elementwise tanh activation as a layer, for Sequential stacks.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Tensor;

public class Tanh extends Layer {
    @Override
    public Tensor forward(Tensor x) { return Ops.tanh(x); }
}
