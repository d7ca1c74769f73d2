// The GPT of Karpathy's "Let's build GPT" lecture (ng-video-lecture gpt.py): per-head key/query/value Linears, heads
// concatenated and projected, a ReLU feed-forward net, LayerNorms with bias, an untied lm_head. Three variants below.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.nn.CausalSelfAttention;
import dev.nanolm.nn.Dropout;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Layer;
import dev.nanolm.nn.LayerNorm;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.ModuleList;
import dev.nanolm.nn.Parameter;
import dev.nanolm.nn.Relu;
import dev.nanolm.nn.Sequential;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Names follow gpt.py's state_dict (token_embedding_table.weight, blocks.0.sa.heads.1.query.weight,
 * blocks.0.ffwd.net.2.bias, lm_head.bias, ...) except the heads' causal-mask buffers ("tril"), which hold no
 * learned state and are left out. The attention runs as one fused op on the heads' weights concatenated into a
 * (3C, C) qkv weight, which is differentiable, so each head's Linear still gets its own gradient.
 */
public final class GptLecture extends LanguageModel {
    private final GptConfig config;
    private final Embedding tokenEmbeddingTable, positionEmbeddingTable;
    private final Sequential blocks;
    private final LayerNorm lnF;
    private final Linear lmHead;
    private final int[] positions;

    /** The lecture always has biases in proj, ffwd, the LayerNorms and lm_head, so the bias setting does not apply. */
    public static GptConfig config(Settings s, int vocabSize) {
        GptConfig c = GptConfig.from(s, vocabSize);
        return new GptConfig(c.vocabSize(), c.blockSize(), c.nLayer(), c.nHead(), c.nEmbd(), c.dropout(), true);
    }

    /**
     * FINAL is gpt.py as published: _init_weights (N(0, 0.02)) and scores scaled by head_size^-0.5. The run recorded in
     * the video (its log: val 2.0895 at step 500) had neither: PyTorch's default init (Embedding N(0,1), Linear
     * U(±1/sqrt(in))) and {@code wei = q @ k.transpose(-2,-1) * C**-0.5} with C = n_embd (x's width, not the head's).
     * DEFAULT_INIT has the first difference, VIDEO both.
     */
    public enum Variant {
        FINAL("gpt-lecture"), DEFAULT_INIT("gpt-lecture-default-init"), VIDEO("gpt-lecture-video");

        public final String type;

        Variant(String type) { this.type = type; }
    }

    private final Variant variant;
    /** Multiplies the queries so that the fused op's 1/sqrt(hs) becomes the video's 1/sqrt(C): sqrt(hs/C), or 1. */
    private final float queryScale;

    public GptLecture(GptConfig cfg, Rng rng) { this(cfg, rng, Variant.FINAL); }

    public GptLecture(GptConfig cfg, Rng rng, Variant variant) {
        this.variant = variant;
        boolean defaultInit = variant != Variant.FINAL;
        queryScale = variant == Variant.VIDEO ? (float) Math.sqrt(1.0 / cfg.nHead()) : 1f; // hs/C = 1/nHead
        if (!cfg.bias()) throw new ConfigException("gpt-lecture always has biases, got a config with bias false", "use --model gpt for bias false");
        this.config = cfg;
        int V = cfg.vocabSize(), C = cfg.nEmbd();
        tokenEmbeddingTable = add("token_embedding_table", new Embedding(V, C, rng));
        positionEmbeddingTable = add("position_embedding_table", new Embedding(cfg.blockSize(), C, rng));
        blocks = add("blocks", new Sequential());
        for (int i = 0; i < cfg.nLayer(); i++) blocks.append(new LectureBlock(C, cfg.nHead(), cfg.dropout(), queryScale, rng));
        lnF = add("ln_f", new LayerNorm(C));
        lmHead = add("lm_head", new Linear(C, V, true, rng));
        // gpt.py's _init_weights: Linear and Embedding weights N(0, 0.02), Linear biases 0 (LayerNorm keeps 1 and 0)
        if (!defaultInit) for (Parameter p : parameters()) {
            if (p.rank() == 2) Init.normal(p.value(), 0, 0.02, rng);
            else if (p.name().endsWith(".bias")) Init.zeros(p.value());
        }
        positions = new int[cfg.blockSize()];
        for (int t = 0; t < positions.length; t++) positions[t] = t;
    }

    /** idx (B,T) token ids, T <= blockSize -> logits (B,T,V). */
    @Override public Tensor logits(int[] idx, int B, int T) {
        Gpt.checkInput(idx, B, T, config.blockSize());
        Tensor tok = tokenEmbeddingTable.forward(idx, B, T);                               // (B,T,C)
        Tensor pos = positionEmbeddingTable.forward(java.util.Arrays.copyOf(positions, T), T); // (T,C)
        Tensor x = blocks.forward(Ops.add(tok, pos));                                      // (B,T,C)
        return lmHead.forward(lnF.forward(x));                                             // (B,T,V)
    }

    /** Communication (multi-head self-attention) followed by computation (feed-forward), each pre-normed and residual. */
    static final class LectureBlock extends Layer {
        final MultiHeadAttention sa;
        final Sequential ffwd;
        final LayerNorm ln1, ln2;

        LectureBlock(int C, int nHead, float dropout, float queryScale, Rng rng) {
            sa = add("sa", new MultiHeadAttention(C, nHead, dropout, queryScale, rng));
            FeedForward ff = add("ffwd", new FeedForward(C, dropout, rng));
            ffwd = ff.net;
            ln1 = add("ln1", new LayerNorm(C));
            ln2 = add("ln2", new LayerNorm(C));
        }

        @Override public Tensor forward(Tensor x) {
            x = Ops.add(x, sa.forward(ln1.forward(x)));     // (B,T,C)
            return Ops.add(x, ffwd.forward(ln2.forward(x))); // (B,T,C)
        }
    }

    /** gpt.py's FeedFoward: net = Linear(C,4C), ReLU, Linear(4C,C), Dropout. */
    static final class FeedForward extends Layer {
        final Sequential net;

        FeedForward(int C, float dropout, Rng rng) {
            net = add("net", new Sequential(new Linear(C, 4 * C, rng), new Relu(), new Linear(4 * C, C, rng), new Dropout(dropout, rng)));
        }

        @Override public Tensor forward(Tensor x) { return net.forward(x); }
    }

    /** One head's projections (no bias); its attention runs inside MultiHeadAttention's fused op. */
    static final class Head extends dev.nanolm.nn.Module {
        final Linear key, query, value;

        Head(int C, int hs, Rng rng) {
            key = add("key", new Linear(C, hs, false, rng));
            query = add("query", new Linear(C, hs, false, rng));
            value = add("value", new Linear(C, hs, false, rng));
        }
    }

    /** nHead heads of size C/nHead in parallel, concatenated, projected, dropout. */
    static final class MultiHeadAttention extends Layer {
        final ModuleList<Head> heads;
        final Linear proj;
        final Dropout dropout;
        final float p, queryScale;
        final Rng rng;

        MultiHeadAttention(int C, int nHead, float dropout, float queryScale, Rng rng) {
            heads = add("heads", new ModuleList<>());
            for (int i = 0; i < nHead; i++) heads.append(new Head(C, C / nHead, rng));
            proj = add("proj", new Linear(C, C, rng));
            this.dropout = add("dropout", new Dropout(dropout, rng));
            this.p = dropout;
            this.queryScale = queryScale;
            this.rng = rng;
        }

        /**
         * [queries of every head | keys | values] as one (3C, C) weight: rows of head h at h*hs in each third; the
         * queries times queryScale (differentiable, so each query weight's gradient carries the scale too).
         */
        Tensor qkvWeight() {
            List<Tensor> w = new ArrayList<>();
            for (Head hd : heads) w.add(queryScale == 1f ? hd.query.weight() : Ops.mulScalar(hd.query.weight(), queryScale));
            for (Head hd : heads) w.add(hd.key.weight());
            for (Head hd : heads) w.add(hd.value.weight());
            return Ops.concat(0, w.toArray(new Tensor[0]));
        }

        @Override public Tensor forward(Tensor x) {
            Tensor qkv = Ops.linear(x, qkvWeight(), null);                                               // (B,T,3C)
            Tensor out = CausalSelfAttention.attention(qkv, heads.size(), p, training(), rng);           // (B,T,C)
            return dropout.forward(proj.forward(out));                                                   // (B,T,C)
        }
    }

    /** A KV-cache decoder; the concatenated per-head weights are gathered again at each reset. */
    @Override public Decoder decoder() {
        return new KvCacheDecoder(config.vocabSize(), config.blockSize(), config.nEmbd(), config.nHead(), config.nLayer(),
                lnF.eps, false, this::decoderWeights);
    }

    private KvCacheDecoder.Weights decoderWeights() {
        List<KvCacheDecoder.BlockWeights> bw = new ArrayList<>();
        for (Layer l : blocks.layers()) {
            LectureBlock b = (LectureBlock) l;
            Tensor qkv;
            try (var g = dev.nanolm.autograd.Tape.noGrad()) { qkv = b.sa.qkvWeight(); }
            Linear fc = (Linear) b.ffwd.get(0), fc2 = (Linear) b.ffwd.get(2);
            bw.add(new KvCacheDecoder.BlockWeights(b.ln1.weight().data, b.ln1.bias().data, qkv.data, null,
                    b.sa.proj.weight().data, b.sa.proj.bias().data, b.ln2.weight().data, b.ln2.bias().data,
                    fc.weight().data, fc.bias().data, fc2.weight().data, fc2.bias().data));
        }
        return new KvCacheDecoder.Weights(tokenEmbeddingTable.weight().data, positionEmbeddingTable.weight().data, bw,
                lnF.weight().data, lnF.bias().data, lmHead.weight().data, lmHead.bias().data);
    }

    @Override public String type() { return variant.type; }
    @Override public GptConfig config() { return config; }
    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int blockSize() { return config.blockSize(); }
    @Override public boolean predictsEveryPosition() { return true; }
    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
