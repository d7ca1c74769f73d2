// Lookup table of V vectors of width C (token or position embeddings), N(0,1) init as PyTorch.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

public class Embedding extends Module {
    public final int V, C;
    private final Tensor weight;

    public Embedding(int V, int C, Rng rng) {
        if (V <= 0 || C <= 0) throw new ShapeException("Embedding needs positive sizes, got V=" + V + ", C=" + C);
        this.V = V;
        this.C = C;
        weight = param("weight", Init.normal(Tensor.zeros(V, C), 0, 1, rng));
    }

    /** Rows of the table for idx, shaped (idxShape..., C); idxShape defaults to (idx.length). */
    public Tensor forward(int[] idx, int... idxShape) {
        return Ops.embedding(weight, idx, idxShape.length == 0 ? new int[] {idx.length} : idxShape);
    }

    public Tensor weight() { return weight; }
}
