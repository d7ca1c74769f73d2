// The progress line carries the step, loss, tokens/s and ETA; a listener gets the same figures.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void snapshotHasEtaLossAndTokensPerSecond() {
        List<Progress.Snapshot> got = new ArrayList<>();
        Progress p = Progress.to(got::add);
        p.update(250, 1000, 2.5, 5.0, 250, 384); // 20 ms a step, 384 tokens a step
        assertEquals(1, got.size());
        Progress.Snapshot s = got.get(0);
        assertEquals(19200, s.tokensPerS(), 1e-6);
        assertEquals(15.0, s.etaS(), 1e-9);
        String bar = s.bar(20);
        assertTrue(bar.startsWith("[=====               ] 250/1000 loss 2.5000 19k tok/s eta 0m15s"), bar);
        p.update(251, 1000, 2.4, 5.02, 251, 384); // within 200 ms of the last: not passed on
        p.update(1000, 1000, 2.0, 20.0, 1000, 384); // the last step always is
        assertEquals(2, got.size());
        assertEquals(0.0, got.get(1).etaS(), 1e-9);
    }
}
