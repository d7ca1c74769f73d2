// A recorded training step run again without the model code: the same ops' forward closures in order, then their
// backward closures in reverse, on the same arrays. The step's Tensors and closures are made once, so a replayed
// step allocates nothing (llm.c's fixed activation buffers, reached through the tape).
package dev.nanolm.autograd;

import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Valid while the step it recorded would be built the same way again: same model, mode and shapes, inputs read from
 * the same index arrays (refilled in place), random draws from the same Rng objects. A replay is then bit-identical to
 * running the model code again, because it is the same kernels on the same arrays in the same order.
 */
public final class Replay {
    private final Tensor loss;
    private final Runnable[] forwards, backwards;
    private final Tensor[] outputs;
    /** Arrays to zero before a replay: what the arena zeroed for the recorded step, and gradients of other outputs. */
    private final float[][] zeroed;

    Replay(Tensor loss, List<Runnable> forwards, List<Tensor> outputs, List<Runnable> backwards, List<float[]> stepArrays) {
        this.loss = loss;
        this.forwards = forwards.toArray(new Runnable[0]);
        this.outputs = outputs.toArray(new Tensor[0]);
        this.backwards = backwards.toArray(new Runnable[0]);
        List<float[]> z = new ArrayList<>(stepArrays);
        java.util.Set<float[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.addAll(stepArrays);
        List<Tensor> all = new ArrayList<>(outputs);
        all.add(loss);
        for (Tensor t : all) if (t.hasGrad() && seen.add(t.grad())) z.add(t.grad()); // e.g. the loss: a scalar, not from the arena
        this.zeroed = z.toArray(new float[0][]);
    }

    /** Runs the step again: forward on the inputs' current values, then backward (parameter grads accumulate, +=). Returns the loss. */
    public Tensor run() {
        for (float[] a : zeroed) Arrays.fill(a, 0f);
        for (Runnable f : forwards) f.run();
        loss.grad()[0] += 1f;
        for (int i = backwards.length - 1; i >= 0; i--) if (outputs[i].hasGrad()) backwards[i].run();
        return loss;
    }

    /** Ops in the recorded step. */
    public int size() { return forwards.length; }
}
