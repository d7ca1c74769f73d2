// A kernel's parallel body with its arguments in fields, reused per thread: a capturing lambda per call was a
// steady-state GPT step's largest garbage in this package. Set the fields, run Parallel.forRange, close.
package dev.nanolm.kernels;

import java.util.function.Supplier;

/**
 * A reusable {@link Parallel.RangeBody}: a kernel takes one from its {@link Local}, sets its fields, runs it with
 * Parallel.forRange and closes it (try-with-resources), which drops the references to the caller's arrays so an
 * idle task keeps nothing large reachable. The chunks and their arithmetic are those of the lambda it replaces.
 */
abstract class Task implements Parallel.RangeBody, AutoCloseable {
    private boolean inUse;

    /** Nulls the array fields. */
    abstract void clear();

    /** Marks the task in use; false if it already was. */
    final boolean claim() {
        if (inUse) return false;
        inUse = true;
        return true;
    }

    @Override
    public final void close() {
        clear();
        inUse = false;
    }

    /**
     * One task of type T per thread. Safe because a task is only reached through the thread that acquired it and,
     * while forRange runs, through the workers running its chunks, all finished when forRange returns. Only a call
     * of the same kernel from inside its own body on the same thread (a nested call runs inline) could find the
     * task in use; it then gets a fresh one, so no call ever sees another call's fields.
     */
    static final class Local<T extends Task> {
        private final Supplier<T> factory;
        private final ThreadLocal<T> local;

        Local(Supplier<T> factory) {
            this.factory = factory;
            this.local = ThreadLocal.withInitial(factory);
        }

        T acquire() {
            T t = local.get();
            if (t.claim()) return t;
            t = factory.get(); // re-entered on this thread: allocates, but no kernel body calls its own kernel
            t.claim();
            return t;
        }
    }
}
