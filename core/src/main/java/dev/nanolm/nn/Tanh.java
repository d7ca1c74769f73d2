// Elementwise tanh activation as a layer, for Sequential stacks; its output can be observed (ActivationRecorder).
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Tensor;

public class Tanh extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        Tensor out = Ops.tanh(x);
        ActivationRecorder.observe(this, "tanh", out);
        return out;
    }
}
