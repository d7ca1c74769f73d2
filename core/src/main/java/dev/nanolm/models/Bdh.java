// The Baby Dragon Hatchling (Kosowski et al., Pathway 2025), following the reference bdh.py: one set of weights
// shared by all layers; each layer maps the state x to nh heads of N non-negative "neurons" (x_sparse), attends with
// them over earlier positions (linear attention, no softmax, RoPE phases, strictly causal), maps the result to
// neurons again (y_sparse), multiplies the two sparse codes and decodes back to D. LayerNorms have no parameters.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Init;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

/**
 * Parameter names are bdh.py's state_dict names: encoder (nh,D,N), encoder_v (nh,D,N), decoder (nh*N,D),
 * embed.weight (V,D), lm_head (D,V), all N(0, 0.02). bdh.py also registers lm_gate (D,1), which its forward never
 * reads; it is left out here (it would only add D parameters that get no gradient).
 */
public final class Bdh extends LanguageModel {
    static final double THETA = 65536; // bdh.py's theta = 2**16
    static final float LN_EPS = 1e-5f;  // nn.LayerNorm's default
    private final BdhConfig config;
    private final Tensor encoder, encoderV, decoder, lmHead;
    private final Embedding embed;
    private final float[] cos, sin; // RoPE tables (blockSize, N)
    private final Rng dropoutRng;

    public Bdh(BdhConfig cfg, Rng rng) {
        this.config = cfg;
        int nh = cfg.nHead(), D = cfg.nEmbd(), N = cfg.neuronsPerHead(), V = cfg.vocabSize();
        decoder = param("decoder", Init.normal(Tensor.zeros(nh * N, D), 0, 0.02, rng));
        encoder = param("encoder", Init.normal(Tensor.zeros(nh, D, N), 0, 0.02, rng));
        embed = add("embed", new Embedding(V, D, rng));
        Init.normal(embed.weight(), 0, 0.02, rng); // bdh.py's _init_weights
        encoderV = param("encoder_v", Init.normal(Tensor.zeros(nh, D, N), 0, 0.02, rng));
        lmHead = param("lm_head", Init.normal(Tensor.zeros(D, V), 0, 0.02, rng));
        float[][] t = ropeTables(cfg.blockSize(), N);
        cos = t[0];
        sin = t[1];
        dropoutRng = rng;
    }

    /**
     * bdh.py's get_freqs and phases_cos_sin in float32 as torch computes them: freq_n = 1 / theta^(2 floor(n/2) / N) / 2pi,
     * phase = ((t freq_n) mod 1) 2pi. Returns {cos, sin}, each (T, N).
     */
    static float[][] ropeTables(int T, int N) {
        float twoPi = (float) (2 * Math.PI);
        float[] freqs = new float[N];
        for (int n = 0; n < N; n++) freqs[n] = 1f / (float) Math.pow(THETA, (float) (n / 2 * 2) / N) / twoPi;
        float[] c = new float[T * N], s = new float[T * N];
        for (int t = 0; t < T; t++)
            for (int n = 0; n < N; n++) {
                float p = t * freqs[n];
                float phase = (p - (float) Math.floor(p)) * twoPi;
                c[t * N + n] = (float) Math.cos(phase);
                s[t * N + n] = (float) Math.sin(phase);
            }
        return new float[][] {c, s};
    }

    /** idx (B,T) token ids, T <= blockSize -> logits (B,T,V). */
    @Override public Tensor logits(int[] idx, int B, int T) {
        Gpt.checkInput(idx, B, T, config.blockSize());
        int nh = config.nHead(), D = config.nEmbd(), N = config.neuronsPerHead();
        Tensor encAll = Ops.view(Ops.transpose(encoder, 0, 1), D, nh * N);  // (D, nh*N): every head's encoder side by side
        Tensor x = ln(embed.forward(idx, B, T));                                // (B,T,D)
        for (int level = 0; level < config.nLayer(); level++) {
            Tensor xLatent = Ops.view(Ops.matmul(x, encAll), B, T, nh, N);       // (B,T,nh,N)
            Tensor xSparse = Ops.relu(Ops.transpose(xLatent, 1, 2));            // (B,nh,T,N)
            Tensor qr = Ops.rope(xSparse, cos, sin);                            // (B,nh,T,N)
            Tensor yKV = ln(Ops.causalLinearAttention(qr, x));                  // (B,nh,T,D)
            Tensor perHead = Ops.view(Ops.transpose(yKV, 0, 1), nh, B * T, D);   // (nh,B*T,D)
            Tensor yLatent = Ops.view(Ops.matmul(perHead, encoderV), nh, B, T, N); // (nh,B,T,N)
            Tensor ySparse = Ops.relu(Ops.transpose(yLatent, 0, 1));            // (B,nh,T,N)
            Tensor xy = Ops.dropout(Ops.mul(xSparse, ySparse), config.dropout(), training(), dropoutRng); // (B,nh,T,N)
            Tensor flat = Ops.view(Ops.transpose(xy, 1, 2), B, T, nh * N);      // (B,T,nh*N)
            Tensor yMLP = Ops.matmul(flat, decoder);                            // (B,T,D)
            x = ln(Ops.add(x, ln(yMLP)));                                       // (B,T,D)
        }
        return Ops.matmul(x, lmHead);                                           // (B,T,V)
    }

    /** Sampling in the recurrent form of the attention (a state per layer and head): O(1) work per token. */
    @Override public Decoder decoder() { return new BdhDecoder(config, embed.weight(), encoder, encoderV, decoder, lmHead, cos, sin); }

    /** bdh.py's self.ln: LayerNorm over D without weight or bias. */
    private static Tensor ln(Tensor x) { return Ops.layerNorm(x, null, null, LN_EPS); }

    @Override public String type() { return "bdh"; }
    @Override public BdhConfig config() { return config; }
    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int blockSize() { return config.blockSize(); }
    @Override public boolean predictsEveryPosition() { return true; }
}
