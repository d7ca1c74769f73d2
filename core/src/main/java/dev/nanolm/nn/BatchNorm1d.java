// Batch normalisation for channels-last inputs (N,C) or (N,L,C): statistics over all dims but the last.
// Training uses batch statistics and updates running_mean/running_var (PyTorch's rule: unbiased variance
// in the running estimate; normalising with the biased one, or with the unbiased one as the makemore lectures);
// eval uses the running statistics.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public class BatchNorm1d extends Layer {
    public final int C;
    public final float eps, momentum;
    /** Normalise training batches by the unbiased variance (the lectures' x.var()) instead of PyTorch's biased one. */
    public final boolean unbiased;
    private final Tensor weight, bias, runningMean, runningVar;

    public BatchNorm1d(int C) { this(C, 1e-5f, 0.1f); }

    public BatchNorm1d(int C, float eps, float momentum) { this(C, eps, momentum, false); }

    public BatchNorm1d(int C, float eps, float momentum, boolean unbiased) {
        if (C <= 0) throw new ShapeException("BatchNorm1d needs a positive width, got " + C);
        if (!(eps > 0)) throw new IllegalArgumentException("BatchNorm1d eps must be > 0, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm1d momentum must be in [0,1], got " + momentum);
        this.C = C;
        this.eps = eps;
        this.momentum = momentum;
        this.unbiased = unbiased;
        weight = param("weight", Init.ones(Tensor.zeros(C)));
        bias = param("bias", Tensor.zeros(C));
        runningMean = buffer("running_mean", Tensor.zeros(C));
        runningVar = buffer("running_var", Init.ones(Tensor.zeros(C)));
    }

    @Override
    public Tensor forward(Tensor x) {
        if ((x.rank() != 2 && x.rank() != 3) || x.dim(-1) != C)
            throw new ShapeException("BatchNorm1d(" + C + ") takes (N," + C + ") or (N,L," + C + "), got " + Arrays.toString(x.shape));
        return Ops.batchNorm(x, weight, bias, runningMean, runningVar, training(), momentum, eps, unbiased);
    }

    public Tensor weight() { return weight; }

    public Tensor bias() { return bias; }

    public Tensor runningMean() { return runningMean; }

    public Tensor runningVar() { return runningVar; }
}
