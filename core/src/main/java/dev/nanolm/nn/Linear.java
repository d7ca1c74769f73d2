// Fully connected layer y = x W^T + b with PyTorch's layout (weight (out, in)) and default init
// U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public class Linear extends Layer {
    public final int in, out;
    private Tensor weight;
    private final Tensor bias;

    public Linear(int in, int out, Rng rng) { this(in, out, true, rng); }

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) throw new ShapeException("Linear needs positive sizes, got in=" + in + ", out=" + out);
        this.in = in;
        this.out = out;
        double bound = 1.0 / Math.sqrt(in);
        weight = param("weight", Init.uniform(Tensor.zeros(out, in), -bound, bound, rng));
        this.bias = bias ? param("bias", Init.uniform(Tensor.zeros(out), -bound, bound, rng)) : null;
    }

    /** x (..., in) -> (..., out). */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != in)
            throw new ShapeException("Linear(" + in + " -> " + out + ") got input of shape " + Arrays.toString(x.shape));
        return Ops.linear(x, weight, bias);
    }

    public Tensor weight() { return weight; }

    /** The bias, or null when built without one. */
    public Tensor bias() { return bias; }

    /** Shares another tensor as this layer's weight (weight tying, e.g. GPT's lm_head and token embedding). */
    public void tieWeight(Tensor w) {
        if (!Arrays.equals(w.shape, weight.shape))
            throw new ShapeException("cannot tie Linear weight " + Arrays.toString(weight.shape) + " to " + Arrays.toString(w.shape));
        weight = param("weight", w);
    }
}
