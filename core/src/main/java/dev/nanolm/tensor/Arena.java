// Reuses the float arrays of one training step in the next (llm.c sizes its activations once; we learn the sizes
// from the first step). A step asks for the same arrays in the same order, so the i-th request of a step gets the
// i-th array of the previous step, zeroed as `new float[n]` would be. Outside a step, requests are plain `new`.
package dev.nanolm.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public final class Arena {
    private static final ThreadLocal<Arena> ACTIVE = new ThreadLocal<>();

    private final ArrayList<float[]> buffers = new ArrayList<>();
    private int next;
    private long reusedBytes, freshBytes;

    /**
     * Opens a step on this thread: until the scope closes, {@link #floats} hands out this arena's arrays. Whatever
     * a step allocates here must not be used after the next step opens (read the loss inside the step).
     */
    public Step step() {
        if (ACTIVE.get() != null) throw new IllegalStateException("an arena step is already open on this thread");
        next = 0;
        reusedBytes = freshBytes = 0;
        ACTIVE.set(this);
        return new Step();
    }

    /** A zeroed array of n floats: the active step's next array when there is one, else a new one. */
    public static float[] floats(int n) {
        Arena a = ACTIVE.get();
        return a == null ? new float[n] : a.take(n);
    }

    /** How many arrays the step open on this thread has taken so far (-1 when none is open): marks for a recording. */
    public static int mark() {
        Arena a = ACTIVE.get();
        return a == null ? -1 : a.next;
    }

    /** True while a step is open on this thread (tensors made now are transient: they live for the step). */
    public static boolean active() { return ACTIVE.get() != null; }

    private float[] take(int n) {
        float[] b = next < buffers.size() ? buffers.get(next) : null;
        if (b != null && b.length == n) {
            Arrays.fill(b, 0f);
            reusedBytes += 4L * n;
        } else { // first step, or the step asked for another size here (its shapes changed): a new array in this slot
            b = new float[n];
            if (next < buffers.size()) buffers.set(next, b);
            else buffers.add(b);
            freshBytes += 4L * n;
        }
        next++;
        return b;
    }

    /**
     * Lets go of every held array, so the garbage collector can take them back: an evaluation between steps then has
     * the whole heap (a shakespeare-char step holds ~8 GB). The next step allocates afresh, as the first one did.
     */
    public void release() {
        if (ACTIVE.get() == this) throw new IllegalStateException("cannot release an arena inside its open step");
        buffers.clear();
        buffers.trimToSize();
        next = 0;
    }

    /** The arrays the current (or last) step has taken so far, in order. */
    public List<float[]> stepArrays() { return new ArrayList<>(buffers.subList(0, next)); }

    /** Bytes handed out again from earlier steps / newly allocated, in the last (or current) step. */
    public long reusedBytes() { return reusedBytes; }

    public long freshBytes() { return freshBytes; }

    /** Arrays held for reuse. */
    public int size() { return buffers.size(); }

    public final class Step implements AutoCloseable {
        @Override public void close() { ACTIVE.remove(); }
    }
}
