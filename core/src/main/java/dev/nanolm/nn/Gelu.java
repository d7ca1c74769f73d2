// Elementwise GELU activation (tanh approximation, as nanoGPT) as a layer, for Sequential stacks.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Tensor;

public class Gelu extends Layer {
    @Override
    public Tensor forward(Tensor x) { return Ops.gelu(x); }
}
