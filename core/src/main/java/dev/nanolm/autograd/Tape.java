// Reverse-mode autograd: ops append their backward closures here in execution order,
// which is a topological order, so backward simply runs the tape in reverse.
// A step can also be recorded for replay (each op's forward closure kept too): see Replay.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

public final class Tape {
    private static final ThreadLocal<Tape> CURRENT = ThreadLocal.withInitial(Tape::new);

    private final ArrayList<Tensor> outputs = new ArrayList<>();
    private final ArrayList<Runnable> backwards = new ArrayList<>();
    private int noGradDepth;
    /**
     * While recording a step for replay: every op's forward closure in order, whether each recorded node has one, and
     * which of the arena's arrays each forward and each backward took (arena marks: [from, to) per closure), so that
     * a replay zeroes them where the eager step did, just before their first use (zeroing all up front doubles the
     * memory traffic of a step that does not fit in cache).
     */
    private boolean recording, replayable;
    private final ArrayList<Runnable> forwards = new ArrayList<>();
    private final ArrayList<int[]> forwardTakes = new ArrayList<>(), backwardTakes = new ArrayList<>();
    private int recordStart, lastMark;
    private Tensor lastComputed;

    public static Tape current() { return CURRENT.get(); }

    /** True when ops should record (not inside a no-grad scope). */
    public static boolean enabled() { return current().noGradDepth == 0; }

    /** True when an op on these inputs must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!enabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) return true;
        return false;
    }

    /**
     * Runs an op's forward computation, which writes out's values from its inputs' current values (and nothing else
     * the step changes). While a step is being recorded for replay the closure is kept, so that a replay can run it
     * again on the next batch. Ops that call this can be replayed; a recorded node without it makes the step eager-only.
     */
    public static void compute(Tensor out, Runnable forward) {
        Tape t = current();
        if (!t.recording) {
            forward.run();
            return;
        }
        int from = t.lastMark;
        forward.run();
        t.lastMark = Arena.mark();
        t.forwards.add(forward);
        t.forwardTakes.add(new int[] {from, t.lastMark}); // this op's arrays: taken since the last op's forward
        t.lastComputed = out;
    }

    /** Records out's backward; out.requiresGrad is set. backward reads out.grad() and accumulates (+=) into inputs' grads. */
    public static void record(Tensor out, Runnable backward) {
        out.requiresGrad = true;
        Tape t = current();
        t.outputs.add(out);
        t.backwards.add(backward);
        if (t.recording && t.lastComputed != out) t.replayable = false; // this op's forward cannot be run again
    }

    /** Seeds d(loss)/d(loss) = 1 and runs every recorded backward in reverse order, then clears the tape (unless recording). */
    public static void backward(Tensor loss) {
        if (loss.numel() != 1) throw new IllegalArgumentException("backward() needs a scalar loss, got " + loss);
        Tape t = current();
        loss.grad()[0] += 1f;
        if (t.recording) {
            for (int i = 0; i < t.backwards.size(); i++) t.backwardTakes.add(null);
            for (int i = t.backwards.size() - 1; i >= 0; i--) {
                if (!t.outputs.get(i).hasGrad()) continue;
                int from = Arena.mark();
                t.backwards.get(i).run();
                t.backwardTakes.set(i, new int[] {from, Arena.mark()}); // the gradients this backward allocated
            }
            return;
        }
        for (int i = t.backwards.size() - 1; i >= 0; i--) {
            if (t.outputs.get(i).hasGrad()) t.backwards.get(i).run();
        }
        t.clear();
    }

    /**
     * Starts recording a training step (forward and backward) for replay. The step runs as usual; then
     * {@link #finishRecording} turns what was recorded into a {@link Replay}.
     */
    public static void startRecording() {
        Tape t = current();
        if (t.recording) throw new IllegalStateException("a step is already being recorded");
        if (!t.backwards.isEmpty()) throw new IllegalStateException("the tape holds " + t.backwards.size() + " ops of an unfinished step");
        if (!Arena.active())
            throw new IllegalStateException("record a step inside an arena step: a replay zeroes the arrays the arena zeroed for it");
        t.recording = true;
        t.replayable = true;
        t.lastComputed = null;
        t.recordStart = t.lastMark = Arena.mark();
    }

    /**
     * Ends the recording started by {@link #startRecording} (after backward(loss)) and clears the tape. Returns the
     * step as a Replay, or null when an op on the way cannot be run again. stepArrays are the arrays the step took
     * from the arena (values and gradients): a replay zeroes them first, as the arena does for an eager step.
     */
    public static Replay finishRecording(Tensor loss, List<float[]> stepArrays) {
        Tape t = current();
        if (!t.recording) throw new IllegalStateException("no step is being recorded");
        boolean backwardRan = t.backwardTakes.size() == t.backwards.size();
        Replay r = t.replayable && backwardRan && !t.forwards.isEmpty()
                ? new Replay(loss, t.forwards, t.forwardTakes, t.outputs, t.backwards, t.backwardTakes, stepArrays, t.recordStart)
                : null;
        reset();
        return r;
    }

    /** Drops everything recorded (e.g. after an evaluation forward pass that was not no-grad). */
    public static void reset() {
        Tape t = current();
        t.clear();
        t.forwards.clear();
        t.forwardTakes.clear();
        t.backwardTakes.clear();
        t.recording = false;
        t.lastComputed = null;
    }

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
