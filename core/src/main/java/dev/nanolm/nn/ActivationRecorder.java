// A hook to observe layer outputs during one forward/backward pass (makemore part 3's activation statistics):
// layers call observe(this, kind, output); nothing happens unless a recorder is started on this thread, and the
// off path is one static boolean read. The recorded tensors are the live ones: read them (and their gradients,
// after backward) before the next training step reuses their arrays.
package dev.nanolm.nn;

import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

public final class ActivationRecorder {
    private static final ThreadLocal<ActivationRecorder> CURRENT = new ThreadLocal<>();
    /** Recorders started and not stopped, on any thread (the fast "off" check). */
    private static volatile int started;

    /** One observed output: the module's path ("tanh", "layers.3"), what it is ("tanh"), the output tensor. */
    public record Observation(String name, String kind, Tensor output) {}

    private final List<Observation> seen = new ArrayList<>();
    private boolean on;

    /** Called by layers with their output; a no-op unless a recorder runs on this thread. */
    public static void observe(Module m, String kind, Tensor output) {
        if (started == 0) return;
        ActivationRecorder r = CURRENT.get();
        if (r == null) return;
        String path = m.path();
        r.seen.add(new Observation(path.isEmpty() ? kind : path, kind, output));
    }

    /** Starts recording on this thread (forgets what an earlier start recorded). */
    public void start() {
        seen.clear();
        if (on) return;
        if (CURRENT.get() != null) throw new IllegalStateException("another activation recorder runs on this thread");
        CURRENT.set(this);
        on = true;
        synchronized (ActivationRecorder.class) { started++; }
    }

    /** Stops recording and returns what was observed since start(), in order. */
    public List<Observation> stop() {
        if (on) {
            CURRENT.remove();
            on = false;
            synchronized (ActivationRecorder.class) { started--; }
        }
        List<Observation> out = List.copyOf(seen);
        seen.clear();
        return out;
    }

    public boolean recording() { return on; }
}
