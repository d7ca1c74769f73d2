// nanoGPT's GPT (model.py): token + position embeddings, dropout, nLayer pre-LayerNorm blocks of causal
// self-attention and a GELU MLP, final LayerNorm, and an lm_head that shares its weight with the token embedding.
// The "transformer" type is makemore.py's variant of the same network: untied lm_head, PyTorch's default init.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Block;
import dev.nanolm.nn.Dropout;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.LayerNorm;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.ModuleDict;
import dev.nanolm.nn.ModuleList;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameter names are nanoGPT's state_dict names (transformer.wte.weight, transformer.h.0.attn.c_attn.weight, ...).
 * lm_head.weight is transformer.wte.weight: stateDict() lists it under both names, as PyTorch does, and
 * parameters()/numParams() count it once. numParams() includes the position embeddings; nanoGPT's
 * get_num_params() (what its logs print) subtracts them, i.e. numParams() - blockSize * nEmbd.
 */
public final class Gpt extends LanguageModel {
    private final GptConfig config;
    private final Embedding wte, wpe;
    private final Dropout drop;
    private final ModuleList<Block> h;
    private final LayerNorm lnF;
    private final Linear lmHead;
    private final int[] positions;
    private final boolean makemore;

    public Gpt(GptConfig cfg, Rng rng) { this(cfg, rng, false); }

    /** makemore: makemore.py's Transformer (lm_head not tied, every layer at PyTorch's default init). */
    public Gpt(GptConfig cfg, Rng rng, boolean makemore) {
        this.config = cfg;
        this.makemore = makemore;
        int V = cfg.vocabSize(), C = cfg.nEmbd();
        ModuleDict transformer = add("transformer", new ModuleDict());
        wte = transformer.put("wte", new Embedding(V, C, rng));
        wpe = transformer.put("wpe", new Embedding(cfg.blockSize(), C, rng));
        drop = transformer.put("drop", new Dropout(cfg.dropout(), rng));
        h = transformer.put("h", new ModuleList<>());
        for (int i = 0; i < cfg.nLayer(); i++) h.append(new Block(C, cfg.nHead(), cfg.dropout(), cfg.bias(), rng));
        lnF = transformer.put("ln_f", new LayerNorm(C, cfg.bias()));
        lmHead = add("lm_head", new Linear(C, V, false, rng));
        positions = new int[cfg.blockSize()];
        for (int t = 0; t < positions.length; t++) positions[t] = t;
        if (makemore) return;
        lmHead.tieWeight(wte.weight()); // weight tying (Press & Wolf 2017)
        // nanoGPT's init: weights N(0, 0.02), biases 0, and residual projections scaled down by sqrt(2 * nLayer)
        for (Parameter p : parameters()) {
            if (p.rank() < 2) continue; // LayerNorm weights stay 1, biases 0
            boolean residual = p.name().endsWith("c_proj.weight");
            Init.normal(p.value(), 0, residual ? 0.02 / Math.sqrt(2.0 * cfg.nLayer()) : 0.02, rng);
        }
        for (Parameter p : parameters()) if (p.name().endsWith(".bias")) Init.zeros(p.value());
    }

    /** idx (B,T) token ids, T <= blockSize -> logits (B,T,V). */
    @Override public Tensor logits(int[] idx, int B, int T) {
        checkInput(idx, B, T, config.blockSize());
        Tensor tok = wte.forward(idx, B, T);                                    // (B,T,C)
        Tensor pos = wpe.forward(java.util.Arrays.copyOf(positions, T), T);    // (T,C)
        Tensor x = drop.forward(Ops.add(tok, pos));                             // (B,T,C)
        for (Block block : h) x = block.forward(x);                             // (B,T,C)
        x = lnF.forward(x);                                                     // (B,T,C)
        return lmHead.forward(x);                                               // (B,T,V)
    }

    /** A KV-cache decoder over this model's live weights (eval-mode arithmetic: no dropout). */
    @Override public Decoder decoder() {
        return new KvCacheDecoder(config.vocabSize(), config.blockSize(), config.nEmbd(), config.nHead(), config.nLayer(),
                lnF.eps, true, this::decoderWeights);
    }

    private KvCacheDecoder.Weights decoderWeights() {
        List<KvCacheDecoder.BlockWeights> blocks = new ArrayList<>();
        for (Block b : h)
            blocks.add(new KvCacheDecoder.BlockWeights(data(b.ln1().weight()), data(b.ln1().bias()),
                    data(b.attn().cAttn().weight()), data(b.attn().cAttn().bias()),
                    data(b.attn().cProj().weight()), data(b.attn().cProj().bias()),
                    data(b.ln2().weight()), data(b.ln2().bias()),
                    data(b.mlp().cFc().weight()), data(b.mlp().cFc().bias()),
                    data(b.mlp().cProj().weight()), data(b.mlp().cProj().bias())));
        return new KvCacheDecoder.Weights(wte.weight().data, wpe.weight().data, blocks,
                data(lnF.weight()), data(lnF.bias()), lmHead.weight().data, null);
    }

    static float[] data(Tensor t) { return t == null ? null : t.data; }

    static void checkInput(int[] idx, int B, int T, int blockSize) {
        if (B <= 0 || T <= 0) throw new IllegalArgumentException("need B, T > 0, got B=" + B + ", T=" + T);
        if (T > blockSize)
            throw new IllegalArgumentException("sequence of length " + T + " is longer than the block size " + blockSize);
        if (idx.length != B * T)
            throw new IllegalArgumentException("idx holds " + idx.length + " tokens, expected B*T = " + B + "*" + T);
    }

    @Override public String type() { return makemore ? "transformer" : "gpt"; }
    @Override public GptConfig config() { return config; }
    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int blockSize() { return config.blockSize(); }
    @Override public boolean predictsEveryPosition() { return true; }
    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
