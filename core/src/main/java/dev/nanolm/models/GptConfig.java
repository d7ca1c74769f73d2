// The shape of a GPT (nanoGPT's GPTConfig, also used by the lecture's gpt.py): validated on construction,
// saved as JSON in checkpoints.
package dev.nanolm.models;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

public record GptConfig(int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd, float dropout, boolean bias) {
    public GptConfig {
        positive("vocab size", vocabSize);
        positive("block-size", blockSize);
        positive("n-layer", nLayer);
        positive("n-head", nHead);
        positive("n-embd", nEmbd);
        if (nEmbd % nHead != 0)
            throw new ConfigException("n-embd " + nEmbd + " is not a multiple of n-head " + nHead
                    + " (each head gets n-embd / n-head channels)",
                    "pick n-embd divisible by n-head, e.g. --n-embd " + (nEmbd / nHead + 1) * nHead);
        if (!(dropout >= 0 && dropout < 1))
            throw new ConfigException("--dropout must be in [0, 1), got " + dropout, "use --dropout 0.0 or e.g. 0.2");
    }

    /** Also BdhConfig's check. */
    static void positive(String what, int v) {
        // settings are named as the user types them (--n-embd); the vocabulary size comes from the data
        if (v <= 0) throw new ConfigException((what.contains(" ") ? what : "--" + what) + " must be positive, got " + v,
                what.contains(" ") ? "pass data that holds some text" : "pass a size of at least 1, e.g. --" + what + " 8");
    }

    /** Channels per attention head. */
    public int headSize() { return nEmbd / nHead; }

    public static GptConfig from(Settings s, int vocabSize) {
        return new GptConfig(vocabSize, s.integer("block-size"), s.integer("n-layer"), s.integer("n-head"),
                s.integer("n-embd"), s.number("dropout"), s.bool("bias"));
    }
}
