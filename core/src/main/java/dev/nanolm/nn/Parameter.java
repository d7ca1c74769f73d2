// A trainable tensor together with its dotted module path ("layers.0.weight"); what optimizers and
// checkpoints iterate over.
package dev.nanolm.nn;

import dev.nanolm.tensor.Tensor;
import java.util.Objects;

public record Parameter(String name, Tensor value) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Number of scalars in the parameter. */
    public int numel() { return value.numel(); }

    /** Rank of the parameter (AdamW decays only rank >= 2 by default). */
    public int rank() { return value.rank(); }
}
