// Incremental decoding of a GRU language model (gru, gru-lm) for sampling: the hidden state of each layer is carried
// from token to token, so a new token costs one GRU step per layer and the head instead of re-running the window.
// Plain loops over the live parameter arrays (no autograd), eval-mode arithmetic (no dropout), PyTorch's equations.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

final class GruDecoder implements LanguageModel.Decoder {
    private final int V, E, H, L, blockSize;
    private final Kernels k = Ops.kernels();
    private final Tensor wte, start, wHead, bHead;
    private final Tensor[] wIh, wHh, bIh, bHh;
    private final float[][] h;                   // per layer: the hidden state after the tokens fed so far (H)
    private final float[] xg, hp, logits;        // scratch for one step
    private int pos;

    /** state: the model's stateDict (tensors read live, so the decoder follows training); "start" absent = zeros. */
    GruDecoder(int V, int E, int H, int L, int blockSize, Map<String, Tensor> state) {
        this.V = V;
        this.E = E;
        this.H = H;
        this.L = L;
        this.blockSize = blockSize;
        wte = state.get("wte.weight");
        start = state.get("start");                // (L,1,H) or null
        wHead = state.get("lm_head.weight");
        bHead = state.get("lm_head.bias");
        wIh = new Tensor[L];
        wHh = new Tensor[L];
        bIh = new Tensor[L];
        bHh = new Tensor[L];
        for (int l = 0; l < L; l++) {
            wIh[l] = state.get("rnn.weight_ih_l" + l);
            wHh[l] = state.get("rnn.weight_hh_l" + l);
            bIh[l] = state.get("rnn.bias_ih_l" + l);
            bHh[l] = state.get("rnn.bias_hh_l" + l);
        }
        h = new float[L][H];
        xg = new float[3 * H];
        hp = new float[3 * H];
        logits = new float[V];
        reset();
    }

    @Override public void reset() {
        for (int l = 0; l < L; l++) {
            if (start == null) Arrays.fill(h[l], 0f);
            else System.arraycopy(start.data, l * H, h[l], 0, H);
        }
        pos = 0;
    }

    @Override public int position() { return pos; }

    /** One GRU step per layer for token at the next position, then the head: the next-token logits (a fresh array). */
    @Override public float[] next(int token) {
        if (pos >= blockSize)
            throw new IllegalStateException("the model was trained on windows of " + blockSize + " tokens; reset and feed the last ones again");
        if (token < 0 || token >= V) throw new IllegalArgumentException("token " + token + " is out of range [0, " + V + ")");
        float[] in = Arrays.copyOfRange(wte.data, token * E, token * E + E);
        for (int l = 0; l < L; l++) {
            affine(wIh[l], bIh[l], in, xg);             // (3H) x W_ih^T + b_ih
            affine(wHh[l], bHh[l], h[l], hp);           // (3H) h W_hh^T + b_hh
            float[] hl = h[l];
            for (int j = 0; j < H; j++) {
                float r = sigmoid(xg[j] + hp[j]), z = sigmoid(xg[H + j] + hp[H + j]);
                float n = (float) Math.tanh(xg[2 * H + j] + r * hp[2 * H + j]);
                hl[j] = n + z * (hl[j] - n);            // (1 - z) n + z h
            }
            in = hl;
        }
        affine(wHead, bHead, in, logits);
        pos++;
        return logits.clone();
    }

    /** out = W x + b with W (out.length, x.length) row-major. */
    private void affine(Tensor w, Tensor b, float[] x, float[] out) {
        int n = x.length;
        for (int j = 0; j < out.length; j++) out[j] = k.dot(w.data, j * n, x, 0, n) + (b == null ? 0f : b.data[j]);
    }

    private static float sigmoid(float v) { return (float) (1.0 / (1.0 + Math.exp(-v))); }
}
