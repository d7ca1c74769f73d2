// The activation hook: nothing is recorded unless a recorder runs on this thread; then Tanh layers report their
// output under their module path.
package dev.nanolm.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationRecorderTest {
    @Test
    void recordsTanhOutputsByPathOnlyWhileStarted() throws Exception {
        Rng rng = new Rng(1);
        Sequential net = new Sequential(new Linear(4, 3, rng), new Tanh(), new Linear(3, 3, rng), new Tanh());
        Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f, 0, 1, 2, -1}, 2, 4);
        ActivationRecorder r = new ActivationRecorder();
        net.forward(x);
        assertEquals(List.of(), r.stop(), "off: nothing recorded");
        r.start();
        Tensor y = net.forward(x);
        List<ActivationRecorder.Observation> seen = r.stop();
        assertEquals(List.of("1", "3"), seen.stream().map(ActivationRecorder.Observation::name).toList());
        assertEquals("tanh", seen.get(0).kind());
        assertSame(y, seen.get(1).output());
        net.forward(x);
        assertEquals(List.of(), r.stop(), "stopped: nothing more recorded");
        // a recorder on another thread does not see this thread's layers
        ActivationRecorder other = new ActivationRecorder();
        Thread t = new Thread(other::start);
        t.start();
        t.join();
        net.forward(x);
        assertTrue(other.recording());
        r.start();
        assertThrows(IllegalStateException.class, () -> new ActivationRecorder().start(), "one recorder per thread");
        r.stop();
    }
}
