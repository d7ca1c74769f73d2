// The makemore window models: bigram counts equal the smoothed table, shapes and parameter counts, config checks.
package dev.nanolm.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanolm.config.ConfigException;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WindowModelsTest {
    @Test
    void bigramCountsAreAddOneSmoothedLogProbs() {
        ModelConfig cfg = new ModelConfig("bigram", 3, 1, 1, 1, "kaiming");
        WindowModel m = ModelType.create(cfg, new Rng(1));
        // pairs: 0->1 twice, 0->2 once, 1->0 once
        m.fitCounts(new int[] {0, 0, 0, 1}, new int[] {1, 1, 2, 0}, 4);
        Tensor logits = m.logits(new int[] {0, 1, 2}, 3);
        // row 0 counts +1: [1, 3, 2] / 6
        assertEquals(Math.log(1 / 6.0), logits.data[0], 1e-6);
        assertEquals(Math.log(3 / 6.0), logits.data[1], 1e-6);
        assertEquals(Math.log(2 / 6.0), logits.data[2], 1e-6);
        // row 1: [2, 1, 1] / 4 ; row 2 unseen: uniform
        assertEquals(Math.log(2 / 4.0), logits.data[3], 1e-6);
        assertEquals(Math.log(1 / 3.0), logits.data[8], 1e-6);
    }

    @Test
    void mlpShapesAndParameterCount() {
        ModelConfig cfg = new ModelConfig("mlp", 27, 3, 10, 200, "kaiming");
        WindowModel m = ModelType.create(cfg, new Rng(1));
        assertEquals(27 * 10 + 30 * 200 + 200 + 200 * 27 + 27, m.numParams());
        Tensor logits = m.logits(new int[] {0, 0, 0, 1, 2, 3}, 2);
        assertEquals(2, logits.dim(0));
        assertEquals(27, logits.dim(1));
    }

    @Test
    void kaimingInitGivesNearUniformInitialLoss() {
        ModelConfig cfg = new ModelConfig("mlp", 27, 3, 10, 200, "kaiming");
        WindowModel m = ModelType.create(cfg, new Rng(3));
        Rng r = new Rng(5);
        int B = 512;
        int[] X = new int[B * 3], Y = new int[B];
        for (int i = 0; i < X.length; i++) X[i] = r.nextInt(27);
        for (int i = 0; i < B; i++) Y[i] = r.nextInt(27);
        float loss = dev.nanolm.autograd.Ops.crossEntropy(m.logits(X, B), Y).item();
        assertEquals(Math.log(27), loss, 0.05); // makemore part 3: small output weights -> ln(27) at step 0
    }

    @Test
    void invalidConfigsAreUsageErrors() {
        assertThrows(ConfigException.class, () -> new ModelConfig("mlp", 27, 0, 10, 200, "kaiming"));
        assertThrows(ConfigException.class, () -> new ModelConfig("mlp", 27, 3, 10, 200, "xavier"));
        assertThrows(ConfigException.class, () -> new ModelConfig("bigram", 27, 3, 10, 200, "kaiming"));
        assertThrows(ConfigException.class, () -> new ModelConfig("gpt9", 27, 3, 10, 200, "kaiming"));
    }
}
