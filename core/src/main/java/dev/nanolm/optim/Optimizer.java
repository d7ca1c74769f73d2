// What the training loop and checkpoints need from an optimizer: a step, gradient reset, the learning
// rate, the step count and the named state tensors (moments, momentum buffers).
package dev.nanolm.optim;

import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

public interface Optimizer {
    /** Updates every parameter that has a gradient; increments stepCount. */
    void step();

    /** Zeroes the gradients of all parameters this optimizer updates. */
    void zeroGrad();

    void setLr(float lr);

    float lr();

    /** Number of step() calls so far (restored by loadState). */
    long stepCount();

    /** Live state tensors by name ("m.&lt;param&gt;", "v.&lt;param&gt;", "momentum.&lt;param&gt;"); empty if stateless. */
    LinkedHashMap<String, Tensor> state();

    /** Copies saved state into this optimizer; keys and shapes must match state() exactly. */
    void loadState(Map<String, Tensor> state, long stepCount);
}
