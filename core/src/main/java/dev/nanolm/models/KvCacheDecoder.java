// Incremental decoding of a GPT for sampling: each block keeps the keys and values of the positions fed so far
// ((blockSize, C) per block, allocated once), so each new token costs one position's work, with plain loops
// and kernel dot/axpy calls instead of a full forward through the tape.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.kernels.Kernels;
import java.util.List;
import java.util.function.Supplier;

final class KvCacheDecoder implements LanguageModel.Decoder {

    /** One block's weights as row-major arrays, Linear weights (out, in); any bias may be null. */
    record BlockWeights(float[] ln1w, float[] ln1b, float[] wqkv, float[] bqkv, float[] wproj, float[] bproj,
                        float[] ln2w, float[] ln2b, float[] wfc, float[] bfc, float[] wfc2, float[] bfc2) {}

    /** The whole model's weights: embeddings (V,C) and (blockSize,C), blocks, final norm, lm_head (V,C). */
    record Weights(float[] wte, float[] wpe, List<BlockWeights> blocks, float[] lnfw, float[] lnfb, float[] wlm, float[] blm) {}

    private final int V, blockSize, C, nHead, hs;
    private final float eps, scale;
    private final boolean gelu;
    private final Supplier<Weights> source;
    private final Kernels k = Ops.kernels();
    private Weights w;
    private int pos;
    // per block: keys and values of positions [0, pos), row t at t*C
    private final float[][] K, Vc;
    // scratch for one position, sized once
    private final float[] x, h, qkv, y, tmp, f, att, logits, mean = new float[1], rstd = new float[1];

    /**
     * weights is asked again at each reset, so a decoder sees the model's current parameters (arrays the model
     * updates in place are read live; a model that assembles weights, as the lecture's per-head ones, copies them).
     */
    KvCacheDecoder(int V, int blockSize, int C, int nHead, int nLayer, float eps, boolean gelu, Supplier<Weights> weights) {
        this.V = V;
        this.blockSize = blockSize;
        this.C = C;
        this.nHead = nHead;
        this.hs = C / nHead;
        this.eps = eps;
        this.scale = (float) (1.0 / Math.sqrt(hs));
        this.gelu = gelu;
        this.source = weights;
        K = new float[nLayer][blockSize * C];
        Vc = new float[nLayer][blockSize * C];
        x = new float[C];
        h = new float[C];
        qkv = new float[3 * C];
        y = new float[C];
        tmp = new float[C];
        f = new float[4 * C];
        att = new float[blockSize];
        logits = new float[V];
        reset();
    }

    @Override public void reset() {
        w = source.get();
        pos = 0;
    }

    @Override public int position() { return pos; }

    /** Runs token through every block at the next position and returns the next-token logits (a fresh array). */
    @Override public float[] next(int token) {
        if (pos >= blockSize)
            throw new IllegalStateException("the KV cache holds " + blockSize + " positions; reset and feed the last ones again");
        if (token < 0 || token >= V) throw new IllegalArgumentException("token " + token + " is out of range [0, " + V + ")");
        for (int c = 0; c < C; c++) x[c] = w.wte()[token * C + c] + w.wpe()[pos * C + c];
        for (int l = 0; l < w.blocks().size(); l++) {
            BlockWeights b = w.blocks().get(l);
            // attention: q for this position, k and v appended to the cache
            k.layerNormForward(x, b.ln1w(), b.ln1b(), h, mean, rstd, 1, C, eps);
            linear(h, b.wqkv(), b.bqkv(), qkv, 3 * C, C);
            System.arraycopy(qkv, C, K[l], pos * C, C);
            System.arraycopy(qkv, 2 * C, Vc[l], pos * C, C);
            for (int hd = 0; hd < nHead; hd++) attendOne(qkv, hd * hs, K[l], Vc[l], y);
            linear(y, b.wproj(), b.bproj(), tmp, C, C);
            k.axpy(1f, tmp, 0, x, 0, C);
            // MLP
            k.layerNormForward(x, b.ln2w(), b.ln2b(), h, mean, rstd, 1, C, eps);
            linear(h, b.wfc(), b.bfc(), f, 4 * C, C);
            if (gelu) k.geluForward(f, f, 4 * C);
            else for (int i = 0; i < 4 * C; i++) f[i] = Math.max(f[i], 0f);
            linear(f, b.wfc2(), b.bfc2(), tmp, C, 4 * C);
            k.axpy(1f, tmp, 0, x, 0, C);
        }
        k.layerNormForward(x, w.lnfw(), w.lnfb(), h, mean, rstd, 1, C, eps);
        linear(h, w.wlm(), w.blm(), logits, V, C);
        pos++;
        return logits.clone();
    }

    /** y[off, off+hs) = softmax over t <= pos of q.k_t / sqrt(hs), times v_t, for the head at channel offset off. */
    private void attendOne(float[] q, int off, float[] keys, float[] values, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t <= pos; t++) {
            att[t] = k.dot(q, off, keys, t * C + off, hs) * scale;
            max = Math.max(max, att[t]);
        }
        float sum = 0;
        for (int t = 0; t <= pos; t++) {
            att[t] = (float) Math.exp(att[t] - max);
            sum += att[t];
        }
        java.util.Arrays.fill(out, off, off + hs, 0f);
        float inv = 1f / sum;
        for (int t = 0; t <= pos; t++) k.axpy(att[t] * inv, values, t * C + off, out, off, hs);
    }

    /** out (n) = W (n,in) @ in + b. */
    private void linear(float[] in, float[] W, float[] b, float[] out, int n, int inLen) {
        k.matmulNT(in, 0, W, 0, out, 0, 1, n, inLen, false);
        if (b != null) k.axpy(1f, b, 0, out, 0, n);
    }
}
