// Inverted dropout: in training zeroes each element with probability p and scales the rest by 1/(1-p);
// the identity in eval mode.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public class Dropout extends Layer {
    public final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0,1), got " + p);
        if (rng == null && p > 0) throw new IllegalArgumentException("dropout with p > 0 needs an Rng");
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (p == 0 || !training()) return x;
        return Ops.dropout(x, p, true, rng);
    }
}
