// makemore.py's RNN language model: token embedding, a recurrent stack (rnn, gru or lstm; PyTorch's equations)
// started from a learned state instead of zeros, and a Linear head on the hidden state at every position.
// gru-lm is the same network on nanoGPT-style text windows: zero start state (a window starts mid-text).
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Gru;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.Lstm;
import dev.nanolm.nn.Recurrent;
import dev.nanolm.nn.Rnn;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class RecurrentLm extends SeqModel {
    private final Embedding wte;
    private final Recurrent rnn;
    private final Tensor startH, startC; // (L,1,H) learned initial hidden (and cell) state, as makemore's `start`; null for gru-lm
    private final Linear lmHead;
    private final Rng dropoutRng;

    public RecurrentLm(SeqConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize(), E = cfg.nEmbd(), H = cfg.nHidden(), L = cfg.nLayer();
        wte = add("wte", new Embedding(V, E, rng));
        rnn = add("rnn", switch (cfg.type()) {
            case "rnn" -> new Rnn(E, H, L, true, cfg.dropout(), false, rng);
            case "gru", "gru-lm" -> new Gru(E, H, L, true, cfg.dropout(), false, rng);
            case "lstm" -> new Lstm(E, H, L, true, cfg.dropout(), false, rng);
            default -> throw new IllegalArgumentException("not a recurrent model type: " + cfg.type());
        });
        boolean zeroStart = cfg.type().equals("gru-lm");
        startH = zeroStart ? null : param("start", Tensor.zeros(L, 1, H));
        startC = cfg.type().equals("lstm") ? param("start_c", Tensor.zeros(L, 1, H)) : null;
        lmHead = add("lm_head", new Linear(H, V, rng));
        dropoutRng = rng;
    }

    @Override public Tensor logits(int[] idx, int B, int T) {
        Gpt.checkInput(idx, B, T, config.blockSize());
        int L = config.nLayer(), H = config.nHidden();
        Tensor emb = wte.forward(idx, B, T);                                  // (B,T,E)
        Tensor h0 = startH == null ? null : Ops.add(Tensor.zeros(L, B, H), startH); // (L,B,H): the start state for every row
        Tensor c0 = startC == null ? null : Ops.add(Tensor.zeros(L, B, H), startC);
        Tensor hidden = rnn.forward(emb, h0, c0, dropoutRng).output();        // (B,T,H)
        return lmHead.forward(hidden);                                        // (B,T,V)
    }

    /** GRU types carry their hidden state token by token (GruDecoder); rnn and lstm are sampled by re-running the window. */
    @Override public Decoder decoder() {
        if (!(rnn instanceof Gru)) return null;
        return new GruDecoder(config.vocabSize(), config.nEmbd(), config.nHidden(), config.nLayer(), config.blockSize(),
                stateDict());
    }

    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
