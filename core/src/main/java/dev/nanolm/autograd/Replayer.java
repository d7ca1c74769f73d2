// Runs a training step's forward and backward: eagerly the first time, recording it when the model allows, then as a
// Replay of that recording. What the trainer and the benchmark share, so both time the same step.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;
import java.util.function.Supplier;

public final class Replayer {
    private boolean allowed;
    private Replay replay;

    /** allowed: the step builds the same graph every time (LanguageModel.replayable()), so it may be recorded. */
    public Replayer(boolean allowed) { this.allowed = allowed; }

    /** True when the next {@link #run} replays: it takes no arrays, so it needs no arena step. */
    public boolean replaying() { return replay != null; }

    /**
     * One forward and backward: the recorded step on the inputs' current values, or else loss.get() then
     * backward, recorded (inside arena's open step) when allowed. Returns the loss tensor.
     */
    public Tensor run(Supplier<Tensor> loss, Arena arena) {
        if (replay != null) return replay.run();
        if (!allowed) {
            Tensor l = loss.get();
            Tape.backward(l);
            return l;
        }
        Tape.startRecording();
        Tensor l;
        try {
            l = loss.get();
            Tape.backward(l);
        } catch (RuntimeException | Error e) {
            Tape.reset(); // a failed step leaves no half recording behind
            throw e;
        }
        replay = Tape.finishRecording(l, arena.stepArrays());
        allowed = replay != null; // an op on the way cannot replay: stay eager from now on
        return l;
    }

    /** Forgets the recording (and so its arrays), e.g. when the arena lets go of its own; the next run records again. */
    public void drop() { replay = null; }
}
