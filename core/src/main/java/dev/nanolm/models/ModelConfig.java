// The shape of a window model (bigram, MLP): validated on construction, saved in checkpoints.
package dev.nanolm.models;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

public record ModelConfig(String type, int vocabSize, int blockSize, int nEmbd, int nHidden, String init) {
    public ModelConfig {
        ModelType.require(type);
        positive("vocab size", vocabSize);
        positive("block-size", blockSize);
        positive("n-embd", nEmbd);
        positive("n-hidden", nHidden);
        if (!init.equals("kaiming") && !init.equals("randn") && !init.equals("pytorch"))
            throw new ConfigException("--init must be kaiming, randn or pytorch, got '" + init + "'", "use --init kaiming");
        if ((type.equals("bigram") || type.equals("bigram-nn")) && blockSize != 1)
            throw new ConfigException("a bigram model sees one character: --block-size must be 1, got " + blockSize, "use --block-size 1 or --model mlp");
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new ConfigException(what + " must be positive, got " + v, "pass a size of at least 1");
    }

    public static ModelConfig from(Settings s, int vocabSize) {
        return new ModelConfig(s.str("model"), vocabSize, s.integer("block-size"), s.integer("n-embd"), s.integer("n-hidden"), s.str("init"));
    }
}
