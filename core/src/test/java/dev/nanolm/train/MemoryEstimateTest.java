// The up-front heap check's advice: the heap it suggests would hold the estimate, and a machine without that
// much memory is told so instead of being sent to ask for a heap it cannot have.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.config.ConfigException;
import dev.nanolm.models.GptConfig;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MemoryEstimateTest {
    static final long GIB = 1L << 30;
    // shakespeare-char's model at a batch that needs more than the launcher's 8 GiB
    static final GptConfig BIG = new GptConfig(65, 256, 6, 6, 384, 0.2f, false);

    @Test
    void suggestedHeapHoldsTheEstimate() {
        MemoryEstimate e = MemoryEstimate.of(BIG, 512);
        assertTrue(e.totalBytes() > 8 * GIB, "the case must not fit 8 GiB: " + e.totalBytes() / GIB);
        ConfigException ex = assertThrows(ConfigException.class, () -> e.check(8 * GIB, 512, 256, 1024 * GIB));
        Matcher m = Pattern.compile("NANOLM_HEAP=(\\d+)g").matcher(ex.hint());
        assertTrue(m.find(), ex.hint());
        long suggested = Long.parseLong(m.group(1)) * GIB;
        assertTrue(suggested >= e.totalBytes(), "suggested " + m.group(1) + "g < estimate " + e.totalBytes() / GIB);
        assertDoesNotThrow(() -> e.check(suggested, 512, 256, 1024 * GIB), "the suggested heap passes the same check");
    }

    @Test
    void moreHeapThanTheMachineHasIsNotSuggested() {
        MemoryEstimate e = MemoryEstimate.of(BIG, 512);
        ConfigException ex = assertThrows(ConfigException.class, () -> e.check(8 * GIB, 512, 256, 12 * GIB));
        assertTrue(!ex.hint().contains("NANOLM_HEAP") && ex.hint().contains("this machine has 12 GiB"), ex.hint());
    }
}
