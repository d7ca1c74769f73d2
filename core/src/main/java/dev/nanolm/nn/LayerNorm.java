// Layer normalisation over the last dimension, weight 1 and optional bias 0 (nanoGPT allows bias=False).
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public class LayerNorm extends Layer {
    public final int C;
    public final float eps;
    private final Tensor weight, bias;

    public LayerNorm(int C) { this(C, true, 1e-5f); }

    public LayerNorm(int C, boolean bias) { this(C, bias, 1e-5f); }

    public LayerNorm(int C, boolean bias, float eps) {
        if (C <= 0) throw new ShapeException("LayerNorm needs a positive width, got " + C);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm eps must be > 0, got " + eps);
        this.C = C;
        this.eps = eps;
        weight = param("weight", Init.ones(Tensor.zeros(C)));
        this.bias = bias ? param("bias", Tensor.zeros(C)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != C)
            throw new ShapeException("LayerNorm(" + C + ") got input of shape " + Arrays.toString(x.shape));
        return Ops.layerNorm(x, weight, bias, eps);
    }

    public Tensor weight() { return weight; }

    /** The bias, or null when built without one. */
    public Tensor bias() { return bias; }
}
