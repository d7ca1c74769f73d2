// Reverse-mode autograd: ops append their backward closures here in execution order,
// which is a topological order, so backward simply runs the tape in reverse.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;

public final class Tape {
    private static final ThreadLocal<Tape> CURRENT = ThreadLocal.withInitial(Tape::new);

    private final ArrayList<Tensor> outputs = new ArrayList<>();
    private final ArrayList<Runnable> backwards = new ArrayList<>();
    private int noGradDepth;

    public static Tape current() { return CURRENT.get(); }

    /** True when ops should record (not inside a no-grad scope). */
    public static boolean enabled() { return current().noGradDepth == 0; }

    /** True when an op on these inputs must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!enabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) return true;
        return false;
    }

    /** Records out's backward; out.requiresGrad is set. backward reads out.grad() and accumulates (+=) into inputs' grads. */
    public static void record(Tensor out, Runnable backward) {
        out.requiresGrad = true;
        Tape t = current();
        t.outputs.add(out);
        t.backwards.add(backward);
    }

    /** Seeds d(loss)/d(loss) = 1 and runs every recorded backward in reverse order, then clears the tape. */
    public static void backward(Tensor loss) {
        if (loss.numel() != 1) throw new IllegalArgumentException("backward() needs a scalar loss, got " + loss);
        Tape t = current();
        loss.grad()[0] += 1f;
        for (int i = t.backwards.size() - 1; i >= 0; i--) {
            if (t.outputs.get(i).hasGrad()) t.backwards.get(i).run();
        }
        t.clear();
    }

    /** Drops everything recorded (e.g. after an evaluation forward pass that was not no-grad). */
    public static void reset() { current().clear(); }

    public static int size() { return current().backwards.size(); }

    private void clear() {
        outputs.clear();
        backwards.clear();
    }

    /** try (var g = Tape.noGrad()) { ... } : ops inside record nothing. */
    public static NoGrad noGrad() {
        current().noGradDepth++;
        return new NoGrad();
    }

    public static final class NoGrad implements AutoCloseable {
        private boolean closed;
        @Override public void close() {
            if (!closed) { closed = true; current().noGradDepth--; }
        }
    }
}
