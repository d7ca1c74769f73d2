// Rng.reseed starts a used generator over exactly as a new one with that seed (attention's dropout reuses one per thread).
package dev.nanolm.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void reseedIsANewRngWithThatSeed() {
        Rng used = new Rng(1);
        used.nextLong();
        used.nextGaussian(); // leaves a spare Gaussian behind, which reseed must drop
        for (long seed : new long[] {0, 7, -3, Long.MAX_VALUE}) {
            Rng fresh = new Rng(seed);
            assertSame(used, used.reseed(seed));
            for (int i = 0; i < 5; i++) {
                assertEquals(fresh.nextGaussian(), used.nextGaussian());
                assertEquals(fresh.nextLong(), used.nextLong());
                assertEquals(fresh.nextFloat(), used.nextFloat());
            }
            used.nextGaussian();
        }
    }
}
