// Batch-first multi-layer (optionally bidirectional) recurrent network in PyTorch's formulation, gate order, parameter
// names and init; Rnn, Gru and Lstm supply only the cell step. Built from autograd ops, so tape and Arena apply as is.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public abstract class Recurrent extends Module {
    public final int inputSize, hiddenSize, numLayers;
    public final boolean bidirectional;
    public final float dropout;
    /** Whether the layer has bias_ih / bias_hh (PyTorch's bias=True). */
    public final boolean bias;
    /** "Rnn", "Gru" or "Lstm", for messages. */
    private final String kind;
    /** Rows per gate block: 1 (RNN), 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o). */
    private final int gates;
    private final boolean hasCell;
    /** Indexed by layer * directions + direction, PyTorch's flat order. */
    private final Tensor[] wIh, wHh, bIh, bHh;

    /** output (B,T,H*dirs) of the last layer; h (numLayers*dirs,B,H) final hidden; c final cell state (Lstm) or null. */
    public record Output(Tensor output, Tensor h, Tensor c) {}

    Recurrent(String kind, int gates, boolean hasCell, int inputSize, int hiddenSize, int numLayers, boolean bias,
              float dropout, boolean bidirectional, Rng rng) {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ShapeException(kind + " needs positive sizes, got inputSize=" + inputSize + ", hiddenSize=" + hiddenSize);
        if (numLayers <= 0) throw new IllegalArgumentException(kind + " needs numLayers >= 1, got " + numLayers);
        if (!(dropout >= 0 && dropout < 1))
            throw new IllegalArgumentException(kind + " dropout probability must be in [0,1), got " + dropout);
        if (rng == null) throw new IllegalArgumentException(kind + " needs an Rng for its initial weights");
        this.kind = kind;
        this.gates = gates;
        this.hasCell = hasCell;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bias = bias;
        this.dropout = dropout;
        this.bidirectional = bidirectional;
        int dirs = directions(), n = numLayers * dirs, G = gates * hiddenSize;
        wIh = new Tensor[n];
        wHh = new Tensor[n];
        bIh = new Tensor[n];
        bHh = new Tensor[n];
        // PyTorch draws every parameter from U(-1/sqrt(H), 1/sqrt(H)) in registration order: per layer and
        // direction w_ih, w_hh, b_ih, b_hh; registering in that order keeps parameters() in PyTorch's order too.
        double bound = 1.0 / Math.sqrt(hiddenSize);
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : hiddenSize * dirs;
            for (int d = 0; d < dirs; d++) {
                int k = l * dirs + d;
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                wIh[k] = param("weight_ih" + sfx, Init.uniform(Tensor.zeros(G, in), -bound, bound, rng));
                wHh[k] = param("weight_hh" + sfx, Init.uniform(Tensor.zeros(G, hiddenSize), -bound, bound, rng));
                if (bias) {
                    bIh[k] = param("bias_ih" + sfx, Init.uniform(Tensor.zeros(G), -bound, bound, rng));
                    bHh[k] = param("bias_hh" + sfx, Init.uniform(Tensor.zeros(G), -bound, bound, rng));
                }
            }
        }
    }

    /** 2 when bidirectional, else 1. */
    public int directions() { return bidirectional ? 2 : 1; }

    /**
     * One time step of one layer and direction. xg (B, gates*H) is x_t W_ih^T + b_ih (precomputed for all steps),
     * h (B,H) and c (B,H, LSTM only, else null) the previous state. Returns {h', c'} (c' null except for LSTM).
     */
    abstract Tensor[] step(Tensor xg, Tensor h, Tensor c, Tensor wHh, Tensor bHh);

    /**
     * All T steps of one layer and direction at once, or null to run step() per step: xg (B,T,gates*H), h0 and c0
     * (B,H) or null, lengths as in forward; returns {outputs (B,T,H), final cell state (B,H), or null without one}.
     */
    Tensor[] layer(Tensor xg, Tensor h0, Tensor c0, Tensor wHh, Tensor bHh, int[] lengths, boolean reverse) { return null; }

    /** Zero initial state, no dropout rng (fine when dropout == 0, numLayers == 1 or in eval mode). */
    public Output forward(Tensor x) { return forward(x, null, null, null); }

    /**
     * x (B,T,inputSize); h0 (numLayers*dirs, B, H) or null for zeros; c0 likewise (Lstm only, else must be null).
     * dropoutRng draws the masks applied, in training mode, to the outputs of every layer but the last.
     */
    public Output forward(Tensor x, Tensor h0, Tensor c0, Rng dropoutRng) { return forward(x, h0, c0, dropoutRng, null); }

    /**
     * As above on a padded batch: with lengths (one per row, 1..T), a step t >= lengths[b] leaves row b's state as it
     * was, so the reverse direction starts at each row's last real step and the final states are each row's own, as
     * PyTorch's packed sequences. Outputs at padded steps hold the state and are for callers to mask. null: no padding.
     */
    public Output forward(Tensor x, Tensor h0, Tensor c0, Rng dropoutRng, int[] lengths) {
        if (x == null || x.rank() != 3 || x.dim(2) != inputSize)
            throw new ShapeException(kind + "(" + inputSize + " -> " + hiddenSize + ") needs input (B, T, " + inputSize
                    + "), got " + (x == null ? "null" : Arrays.toString(x.shape)));
        int B = x.dim(0), T = x.dim(1), H = hiddenSize, G = gates * H, dirs = directions(), n = numLayers * dirs;
        if (B == 0 || T == 0) throw new ShapeException(kind + " needs a non-empty batch and sequence, got input " + Arrays.toString(x.shape));
        checkState("h0", h0, B);
        if (c0 != null && !hasCell) throw new IllegalArgumentException(kind + " has no cell state; c0 must be null");
        checkState("c0", c0, B);
        if (lengths != null && lengths.length != B)
            throw new ShapeException(kind + " needs one length per row (" + B + "), got " + lengths.length);
        int minLen = T;
        if (lengths != null) for (int L : lengths) {
            if (L < 1 || L > T) throw new ShapeException(kind + ": length " + L + " outside 1.." + T);
            minLen = Math.min(minLen, L);
        }
        boolean drop = training() && dropout > 0 && numLayers > 1;
        if (drop && dropoutRng == null)
            throw new IllegalArgumentException(kind + " with dropout " + dropout + " in training mode needs a dropout Rng"
                    + " (or call eval())");

        // per (layer, direction) initial states as (B,H) views; split keeps the gradient path to h0/c0
        Tensor[] hInit = h0 == null ? null : Ops.split(h0, 0, ones(n));
        Tensor[] cInit = c0 == null ? null : Ops.split(c0, 0, ones(n));
        Tensor[] hLast = new Tensor[n], cLast = hasCell ? new Tensor[n] : null;
        Tensor in = x;
        for (int l = 0; l < numLayers; l++) {
            Tensor[] outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                int k = l * dirs + d;
                // input projections of all T steps in one matmul; the loop then only does h W_hh^T and the gates
                Tensor xg = Ops.linear(in, wIh[k], bIh[k]);
                Tensor[] fused = layer(xg, hInit == null ? null : Ops.view(hInit[k], B, H),
                        cInit == null ? null : Ops.view(cInit[k], B, H), wHh[k], bHh[k], lengths, d == 1);
                if (fused != null) { // the final state is the output at the last step taken (padding holds it)
                    outs[d] = fused[0];
                    int[] last = new int[B];
                    Arrays.fill(last, d == 0 ? T : 1);
                    hLast[k] = Ops.view(Ops.lastStep(fused[0], last), 1, B, H);
                    if (hasCell) cLast[k] = Ops.view(fused[1], 1, B, H);
                    continue;
                }
                Tensor[] xs = Ops.split(xg, 1, ones(T));
                Tensor h = hInit != null ? Ops.view(hInit[k], B, H) : Tensor.zeros(B, H);
                Tensor c = !hasCell ? null : cInit != null ? Ops.view(cInit[k], B, H) : Tensor.zeros(B, H);
                Tensor[] ys = new Tensor[T];
                for (int s = 0; s < T; s++) {
                    int t = d == 0 ? s : T - 1 - s; // the reverse direction reads the sequence backwards
                    Tensor[] hc = step(Ops.view(xs[t], B, G), h, c, wHh[k], bHh[k]);
                    if (t >= minLen) { // some rows are padding here: they keep their state (no op when none is)
                        boolean[] real = new boolean[B];
                        for (int b = 0; b < B; b++) real[b] = t < lengths[b];
                        hc[0] = Ops.selectRows(real, hc[0], h);
                        if (hasCell) hc[1] = Ops.selectRows(real, hc[1], c);
                    }
                    h = hc[0];
                    c = hc[1];
                    ys[t] = Ops.view(h, B, 1, H);
                }
                outs[d] = T == 1 ? ys[0] : Ops.concat(1, ys);
                hLast[k] = Ops.view(h, 1, B, H);
                if (hasCell) cLast[k] = Ops.view(c, 1, B, H);
            }
            in = dirs == 1 ? outs[0] : Ops.concat(2, outs);
            // as PyTorch: dropout between layers only, never on the last layer's output or on the final states
            if (drop && l < numLayers - 1) in = Ops.dropout(in, dropout, true, dropoutRng);
        }
        // --diagnostics: the last layer's outputs of a plain RNN are tanh activations (saturation means something);
        // GRU and LSTM outputs mix gates and earlier states, so they are not reported as tanh layers
        if (gates == 1) ActivationRecorder.observe(this, "tanh", in);
        Tensor hN = n == 1 ? hLast[0] : Ops.concat(0, hLast);
        Tensor cN = !hasCell ? null : n == 1 ? cLast[0] : Ops.concat(0, cLast);
        return new Output(in, hN, cN);
    }

    private void checkState(String what, Tensor s, int B) {
        if (s == null) return;
        int[] want = {numLayers * directions(), B, hiddenSize};
        if (!Arrays.equals(s.shape, want))
            throw new ShapeException(kind + " " + what + " must have shape (numLayers*directions, B, H) = "
                    + Arrays.toString(want) + ", got " + Arrays.toString(s.shape));
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }
}
