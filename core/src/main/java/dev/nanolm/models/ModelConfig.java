// The shape of a window model (bigram, MLP): validated on construction, saved in checkpoints.
package dev.nanolm.models;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

/** bnUnbiased: BatchNorm1d normalises training batches by the unbiased variance (false in checkpoints from before it). */
public record ModelConfig(String type, int vocabSize, int blockSize, int nEmbd, int nHidden, String init, float bnMomentum,
                          boolean bnUnbiased) {
    /** BatchNorm1d momentum 0.1 (PyTorch's default). */
    public ModelConfig(String type, int vocabSize, int blockSize, int nEmbd, int nHidden, String init) {
        this(type, vocabSize, blockSize, nEmbd, nHidden, init, 0.1f);
    }

    /** BatchNorm1d normalising by the biased variance, as PyTorch's. */
    public ModelConfig(String type, int vocabSize, int blockSize, int nEmbd, int nHidden, String init, float bnMomentum) {
        this(type, vocabSize, blockSize, nEmbd, nHidden, init, bnMomentum, false);
    }

    public ModelConfig {
        ModelType.require(type);
        positive("vocab size", vocabSize);
        positive("block-size", blockSize);
        positive("n-embd", nEmbd);
        positive("n-hidden", nHidden);
        if (!init.equals("kaiming") && !init.equals("randn") && !init.equals("pytorch"))
            throw new ConfigException("--init must be kaiming, randn or pytorch, got '" + init + "'", "use --init kaiming");
        // 0 is what a checkpoint from before this field reads back; those models (bigram, mlp) have no BatchNorm
        if (!(bnMomentum >= 0 && bnMomentum <= 1))
            throw new ConfigException("--bn-momentum must be in [0, 1], got " + bnMomentum, "use --bn-momentum 0.1 (PyTorch) or 0.001 (makemore part 3)");
        if ((type.equals("bigram") || type.equals("bigram-nn")) && blockSize != 1)
            throw new ConfigException("a bigram model sees one character: --block-size must be 1, got " + blockSize, "use --block-size 1 or --model mlp");
    }

    private static void positive(String what, int v) {
        // settings are named as the user types them (--n-embd); the vocabulary size comes from the data
        if (v <= 0) throw new ConfigException((what.contains(" ") ? what : "--" + what) + " must be positive, got " + v,
                what.contains(" ") ? "pass data that holds some text" : "pass a size of at least 1, e.g. --" + what + " 8");
    }

    public static ModelConfig from(Settings s, int vocabSize) {
        String variance = s.str("bn-variance");
        if (!variance.equals("biased") && !variance.equals("unbiased"))
            throw new ConfigException("--bn-variance must be biased or unbiased, got '" + variance + "'",
                    "use --bn-variance biased (PyTorch's BatchNorm1d) or unbiased (the makemore lectures' x.var())");
        return new ModelConfig(s.str("model"), vocabSize, s.integer("block-size"), s.integer("n-embd"), s.integer("n-hidden"), s.str("init"),
                s.number("bn-momentum"), variance.equals("unbiased"));
    }
}
