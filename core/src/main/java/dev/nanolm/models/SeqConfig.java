// The shape of makemore.py's sequence models (bow, rnn, gru, lstm): validated on construction, saved in checkpoints.
// nEmbd is makemore's n_embd (token embedding), nHidden its n_embd2 (hidden state / bag-of-words MLP width).
package dev.nanolm.models;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

public record SeqConfig(String type, int vocabSize, int blockSize, int nEmbd, int nHidden, int nLayer, float dropout) {
    public SeqConfig {
        ModelType.require(type);
        positive("vocab size", vocabSize);
        positive("block-size", blockSize);
        positive("n-embd", nEmbd);
        positive("n-hidden", nHidden);
        positive("n-layer", nLayer);
        if (!(dropout >= 0 && dropout < 1))
            throw new ConfigException("--dropout must be in [0, 1), got " + dropout, "use --dropout 0.0 or e.g. 0.2");
        if (dropout > 0 && nLayer == 1 && !type.equals("bow"))
            throw new ConfigException("--dropout acts between recurrent layers; with --n-layer 1 it would do nothing",
                    "use --n-layer 2 or more, or --dropout 0");
    }

    private static void positive(String what, int v) {
        // settings are named as the user types them (--n-embd); the vocabulary size comes from the data
        if (v <= 0) throw new ConfigException((what.contains(" ") ? what : "--" + what) + " must be positive, got " + v,
                what.contains(" ") ? "pass data that holds some text" : "pass a size of at least 1, e.g. --" + what + " 8");
    }

    public static SeqConfig from(Settings s, int vocabSize) {
        return new SeqConfig(s.str("model"), vocabSize, s.integer("block-size"), s.integer("n-embd"), s.integer("n-hidden"),
                s.integer("n-layer"), s.number("dropout"));
    }
}
