// The public face of the autograd ops: static methods, each computing a new Tensor and, when an input
// requires grad, recording its backward on the tape. Implementations live in the package-private *Ops files.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class Ops {
    private Ops() {}

    private static volatile Kernels kernels = Kernels.get();

    /** The kernels every op uses: {@link Kernels#get()} unless replaced with {@link #setKernels}. */
    public static Kernels kernels() { return kernels; }

    /**
     * Replaces the kernels used by the ops (for tests and benchmarks comparing kernel sets); null restores
     * {@link Kernels#get()}. Returns the previous kernels. Ops record the kernels they ran with, so a backward
     * uses the same set as its forward.
     */
    public static Kernels setKernels(Kernels k) {
        Kernels prev = kernels;
        kernels = k != null ? k : Kernels.get();
        return prev;
    }

    // ---------------------------------------------------------------- elementwise, broadcasting

    /** a + b with numpy broadcasting. */
    public static Tensor add(Tensor a, Tensor b) { return ElementwiseOps.binary(ElementwiseOps.Bin.ADD, a, b); }

    /** a - b with numpy broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) { return ElementwiseOps.binary(ElementwiseOps.Bin.SUB, a, b); }

    /** a * b (elementwise) with numpy broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) { return ElementwiseOps.binary(ElementwiseOps.Bin.MUL, a, b); }

    /** a / b (elementwise) with numpy broadcasting. */
    public static Tensor div(Tensor a, Tensor b) { return ElementwiseOps.binary(ElementwiseOps.Bin.DIV, a, b); }

    public static Tensor addScalar(Tensor a, float s) { return ElementwiseOps.addScalar(a, s); }

    public static Tensor mulScalar(Tensor a, float s) { return ElementwiseOps.mulScalar(a, s); }

    /** a^p elementwise. */
    public static Tensor pow(Tensor a, float p) { return ElementwiseOps.pow(a, p); }

    public static Tensor neg(Tensor a) { return ElementwiseOps.neg(a); }

    public static Tensor sqrt(Tensor a) { return ElementwiseOps.sqrt(a); }

    public static Tensor tanh(Tensor a) { return ElementwiseOps.tanh(a); }

    public static Tensor relu(Tensor a) { return ElementwiseOps.relu(a); }

    /** GELU, tanh approximation (nanoGPT's), through the kernels. */
    public static Tensor gelu(Tensor a) { return ElementwiseOps.gelu(a); }

    public static Tensor sigmoid(Tensor a) { return ElementwiseOps.sigmoid(a); }

    public static Tensor exp(Tensor a) { return ElementwiseOps.exp(a); }

    public static Tensor log(Tensor a) { return ElementwiseOps.log(a); }

    /** Inverted dropout (kept values scaled by 1/(1-p)); returns a itself when not training or p == 0. */
    public static Tensor dropout(Tensor a, float p, boolean training, Rng rng) { return ElementwiseOps.dropout(a, p, training, rng); }

    // ---------------------------------------------------------------- matrix products

    /** a (...,M,K) @ b (K,N) -> (...,M,N), or batched a (B...,M,K) @ b (B...,K,N) -> (B...,M,N). */
    public static Tensor matmul(Tensor a, Tensor b) { return MatmulOps.matmul(a, b); }

    /** a @ b^T: a (...,M,K), b (N,K) or batched b (B...,N,K) -> (...,M,N). */
    public static Tensor matmulNT(Tensor a, Tensor b) { return MatmulOps.matmulNT(a, b); }

    /** a^T @ b: a (B...,K,M), b (B...,K,N) -> (B...,M,N), batch dims optional. */
    public static Tensor matmulTN(Tensor a, Tensor b) { return MatmulOps.matmulTN(a, b); }

    /** x (...,in) @ w^T + b with w (out,in), b (out) or null -> (...,out). */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) { return MatmulOps.linear(x, w, b); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, as a scalar (shape {}). */
    public static Tensor sum(Tensor a) { return ReduceOps.sum(a); }

    /** Mean of all elements, as a scalar (shape {}). */
    public static Tensor mean(Tensor a) { return ReduceOps.mean(a); }

    /** Sum over dim (negative counts from the end). */
    public static Tensor sum(Tensor a, int dim, boolean keepDim) { return ReduceOps.sum(a, dim, keepDim); }

    /** Mean over dim (negative counts from the end). */
    public static Tensor mean(Tensor a, int dim, boolean keepDim) { return ReduceOps.mean(a, dim, keepDim); }

    /** Max values over dim; the gradient goes to the first maximum. */
    public static Tensor max(Tensor a, int dim, boolean keepDim) { return ReduceOps.max(a, dim, keepDim); }

    /** Positions of the (first) maxima over dim, row-major over the remaining dims; no gradient. */
    public static int[] argmax(Tensor a, int dim) { return ReduceOps.argmax(a, dim); }

    // ---------------------------------------------------------------- softmax family, losses, norms

    /** Softmax over the last dim. */
    public static Tensor softmax(Tensor a) { return NnOps.softmax(a); }

    /** Log-softmax over the last dim. */
    public static Tensor logSoftmax(Tensor a) { return NnOps.logSoftmax(a); }

    /**
     * Fused log-softmax + NLL: logits (...,C) as (N,C), one target per row, mean over rows whose target is not
     * ignoreIndex (0 when all are ignored). A scalar.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        return NnOps.crossEntropy(logits, targets, ignoreIndex);
    }

    /** Cross-entropy with ignoreIndex -1. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) { return NnOps.crossEntropy(logits, targets, -1); }

    /** LayerNorm over the last dim; b may be null (nanoGPT's bias=False), w null means no scale. */
    public static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) { return NnOps.layerNorm(x, w, b, eps); }

    /**
     * Channels-last BatchNorm: x (N,C) or (N,...,C), statistics over all dims but the last. In training the running
     * stats are updated in place as PyTorch does (unbiased variance); gamma, beta and the running stats may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   boolean training, float momentum, float eps) {
        return NnOps.batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps, false);
    }

    /** batchNorm normalising with the unbiased batch variance in training (the makemore lectures' x.var()) when unbiased. */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   boolean training, float momentum, float eps, boolean unbiased) {
        return NnOps.batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps, unbiased);
    }

    /**
     * Fused multi-head causal self-attention (nanoGPT's CausalSelfAttention between c_attn and c_proj).
     * qkv (B,T,3C) is [q | k | v] along the last dim, each C wide and split into nHead heads of hs = C/nHead
     * contiguous columns. Returns y (B,T,C) with head h's output in columns h*hs..(h+1)*hs, where for each head
     * att = softmax(q k^T / sqrt(hs), j > i masked), dropout(att) (inverted, only when training and dropout > 0,
     * drawing B*nHead seeds from rng in order), y = att v. C % nHead != 0 throws ShapeException.
     */
    public static Tensor causalSelfAttention(Tensor qkv, int nHead, float dropout, boolean training, Rng rng) {
        return AttentionOps.causalSelfAttention(qkv, nHead, dropout, training, rng);
    }

    /** BDH's RoPE on interleaved pairs: x (..., T, N), N even, cos and sin (T,N) phase tables; pair (a, b) -> (a cos - b sin, b cos + a sin). */
    public static Tensor rope(Tensor x, float[] cos, float[] sin) { return LinearAttentionOps.rope(x, cos, sin); }

    /** BDH's attention, K = Q, no softmax, strictly causal: q (B,nh,T,N), v (B,T,D) -> (q q^T).tril(-1) @ v (B,nh,T,D). */
    public static Tensor causalLinearAttention(Tensor q, Tensor v) { return LinearAttentionOps.causalLinearAttention(q, v); }

    // ---------------------------------------------------------------- shape and indexing

    /** Rows of weight (V,C) at idx, shaped (idxShape..., C) (idxShape defaults to {idx.length}). */
    public static Tensor embedding(Tensor weight, int[] idx, int... idxShape) { return ShapeOps.embedding(weight, idx, idxShape); }

    /** Joins tensors along dim. */
    public static Tensor concat(int dim, Tensor... ts) { return ShapeOps.concat(dim, ts); }

    /** Splits a along dim into pieces of the given sizes. */
    public static Tensor[] split(Tensor a, int dim, int... sizes) { return ShapeOps.split(a, dim, sizes); }

    /** Same values in another shape (one -1 allowed); a view sharing data and gradient. */
    public static Tensor reshape(Tensor a, int... shape) { return ShapeOps.reshape(a, shape); }

    /** Same as {@link #reshape}. */
    public static Tensor view(Tensor a, int... shape) { return ShapeOps.reshape(a, shape); }

    /** Copy with dims d0 and d1 swapped. */
    public static Tensor transpose(Tensor a, int d0, int d1) { return ShapeOps.transpose(a, d0, d1); }

    // ---------------------------------------------------------------- padded sequences (B,T,H) with lengths

    /** Mean over the first lengths[b] steps of each row of x (B,T,H) -> (B,H); over all T when includePadding. */
    public static Tensor maskedMean(Tensor x, int[] lengths, boolean includePadding) { return SeqOps.maskedMean(x, lengths, includePadding); }

    /** Max over the first lengths[b] steps of each row of x (B,T,H) -> (B,H); the gradient goes to the first maximum. */
    public static Tensor maskedMax(Tensor x, int[] lengths) { return SeqOps.maskedMax(x, lengths); }

    /** Each row's step lengths[b]-1 of x (B,T,H) -> (B,H). */
    public static Tensor lastStep(Tensor x, int[] lengths) { return SeqOps.lastStep(x, lengths); }

    /** Row b of a where take[b], else of other (same shapes, rows along dim 0). */
    public static Tensor selectRows(boolean[] take, Tensor a, Tensor other) { return SeqOps.selectRows(take, a, other); }

    /** A fused GRU step (PyTorch's equations, gates r, z, n) from xg = x W_ih^T + b_ih, hp = h W_hh^T + b_hh (B,3H) and h (B,H). */
    public static Tensor gruCell(Tensor xg, Tensor hp, Tensor h) { return CellOps.gruCell(xg, hp, h); }

    /**
     * A GRU layer's whole recurrence in one op: xg (B,T,3H) = x W_ih^T + b_ih, wHh (3H,H), bHh (3H) or null, h0 (B,H)
     * or null (zeros) -> states (B,T,H); reverse runs backwards in time; lengths (or null) hold row b's state at t >= lengths[b].
     */
    public static Tensor gruLayer(Tensor xg, Tensor wHh, Tensor bHh, Tensor h0, int[] lengths, boolean reverse) {
        return GruLayerOps.gruLayer(xg, wHh, bHh, h0, lengths, reverse);
    }

    /**
     * An LSTM layer's whole recurrence in one op: xg (B,T,4H) = x W_ih^T + b_ih (gates i, f, g, o), wHh (4H,H), bHh
     * (4H) or null, h0 and c0 (B,H) or null (zeros) -> {states (B,T,H), final cell state (B,H)}; reverse and lengths as gruLayer.
     */
    public static Tensor[] lstmLayer(Tensor xg, Tensor wHh, Tensor bHh, Tensor h0, Tensor c0, int[] lengths, boolean reverse) {
        return LstmLayerOps.lstmLayer(xg, wHh, bHh, h0, c0, lengths, reverse);
    }
}
