// A recorded training step run again without the model code: the same ops' forward closures in order, then their
// backward closures in reverse, on the same arrays. The step's Tensors and closures are made once, so a replayed
// step allocates nothing (llm.c's fixed activation buffers, reached through the tape).
package dev.nanolm.autograd;

import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Valid while the step it recorded would be built the same way again: same model, mode and shapes, inputs read from
 * the same index arrays (refilled in place), random draws from the same Rng objects. A replay is then bit-identical to
 * running the model code again: the same kernels on the same arrays in the same order, each array zeroed where the
 * arena zeroed it for the eager step (just before the op or backward that took it).
 */
public final class Replay {
    private final Tensor loss;
    private final Runnable[] forwards, backwards;
    private final Tensor[] outputs;
    /** Per forward i / backward i: the arrays to zero just before it runs (what it took from the arena when recorded). */
    private final float[][][] forwardZeroes, backwardZeroes;
    /** Zeroed first: arrays of the step no closure took itself, and gradients that are not arena arrays (the loss's). */
    private final float[][] zeroFirst;

    Replay(Tensor loss, List<Runnable> forwards, List<int[]> forwardTakes, List<Tensor> outputs, List<Runnable> backwards,
           List<int[]> backwardTakes, List<float[]> stepArrays, int recordStart) {
        this.loss = loss;
        this.forwards = forwards.toArray(new Runnable[0]);
        this.outputs = outputs.toArray(new Tensor[0]);
        this.backwards = backwards.toArray(new Runnable[0]);
        boolean[] claimed = new boolean[stepArrays.size()];
        forwardZeroes = slices(forwardTakes, stepArrays, claimed);
        backwardZeroes = slices(backwardTakes, stepArrays, claimed);
        List<float[]> first = new ArrayList<>();
        for (int i = Math.max(0, recordStart); i < claimed.length; i++) if (!claimed[i]) first.add(stepArrays.get(i));
        Set<float[]> arena = Collections.newSetFromMap(new IdentityHashMap<>());
        arena.addAll(stepArrays);
        List<Tensor> all = new ArrayList<>(outputs);
        all.add(loss);
        for (Tensor t : all) if (t.hasGrad() && arena.add(t.grad())) first.add(t.grad());
        zeroFirst = first.toArray(new float[0][]);
    }

    /** The arrays of each [from, to) range (null: none), marking them claimed. */
    private static float[][][] slices(List<int[]> takes, List<float[]> arrays, boolean[] claimed) {
        float[][][] out = new float[takes.size()][][];
        for (int i = 0; i < out.length; i++) {
            int[] r = takes.get(i);
            int from = r == null ? 0 : Math.max(0, r[0]), to = r == null ? 0 : Math.min(arrays.size(), r[1]);
            out[i] = new float[Math.max(0, to - from)][];
            for (int j = from; j < to; j++) {
                out[i][j - from] = arrays.get(j);
                claimed[j] = true;
            }
        }
        return out;
    }

    /** Runs the step again: forward on the inputs' current values, then backward (parameter grads accumulate, +=). Returns the loss. */
    public Tensor run() {
        for (float[] a : zeroFirst) Arrays.fill(a, 0f);
        for (int i = 0; i < forwards.length; i++) {
            for (float[] a : forwardZeroes[i]) Arrays.fill(a, 0f);
            forwards[i].run();
        }
        loss.grad()[0] += 1f;
        for (int i = backwards.length - 1; i >= 0; i--) {
            if (!outputs[i].hasGrad()) continue;
            for (float[] a : backwardZeroes[i]) Arrays.fill(a, 0f);
            backwards[i].run();
        }
        return loss;
    }

    /** Ops in the recorded step. */
    public int size() { return forwards.length; }
}
