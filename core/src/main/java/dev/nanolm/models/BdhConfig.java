// The shape of a Baby Dragon Hatchling (bdh.py's BDHConfig): validated on construction, saved as JSON in checkpoints.
// Each of the nHead heads has N = mlpMultiplier * nEmbd / nHead neurons; N must be even (RoPE turns pairs).
package dev.nanolm.models;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

public record BdhConfig(int vocabSize, int blockSize, int nLayer, int nEmbd, int nHead, int mlpMultiplier, float dropout) {
    public BdhConfig {
        GptConfig.positive("vocab size", vocabSize);
        GptConfig.positive("block-size", blockSize);
        GptConfig.positive("n-layer", nLayer);
        GptConfig.positive("n-embd", nEmbd);
        GptConfig.positive("n-head", nHead);
        GptConfig.positive("mlp-multiplier", mlpMultiplier);
        long n = (long) mlpMultiplier * nEmbd;
        if (n % nHead != 0 || (n / nHead) % 2 != 0)
            throw new ConfigException("bdh needs an even number of neurons per head, mlp-multiplier * n-embd / n-head, got "
                    + mlpMultiplier + " * " + nEmbd + " / " + nHead, "pick n-embd and mlp-multiplier so that their product is a multiple of 2 * n-head");
        if (n > 1 << 24) throw new ConfigException("bdh with " + n + " neurons (mlp-multiplier * n-embd) is far beyond a CPU run",
                "use a smaller --mlp-multiplier or --n-embd");
        if (!(dropout >= 0 && dropout < 1))
            throw new ConfigException("--dropout must be in [0, 1), got " + dropout, "use --dropout 0.0 or e.g. 0.1");
    }

    /** Neurons per head (bdh.py's N). */
    public int neuronsPerHead() { return mlpMultiplier * nEmbd / nHead; }

    public static BdhConfig from(Settings s, int vocabSize) {
        return new BdhConfig(vocabSize, s.integer("block-size"), s.integer("n-layer"), s.integer("n-embd"), s.integer("n-head"),
                s.integer("mlp-multiplier"), s.number("dropout"));
    }
}
