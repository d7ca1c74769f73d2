// Elementwise relu activation as a layer, for Sequential stacks.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Tensor;

public class Relu extends Layer {
    @Override
    public Tensor forward(Tensor x) { return Ops.relu(x); }
}
