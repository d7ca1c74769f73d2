// The one shared pool of worker threads: splits a range [0,n) into threads() contiguous chunks, runs the
// first on the caller and the rest on parked daemon workers. Parks instead of spinning (PERF-NOTES cliff 3),
// and the caller takes back chunks whose worker has not woken yet, so a busy core costs no scheduler tick.
package dev.nanolm.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

public final class Parallel {

    /** Work over the half-open index range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /**
     * How long a worker polls for its next chunk, and the caller for the workers' end, before parking (ns; system
     * property nanolm.spinMicros, default 100; 0 always parks). Back-to-back products of a recurrence (a GEMM per
     * time step, ~0.1 ms each) otherwise pay a park/unpark wake-up (tens of us) per hand-off: agnews-lstm 74 -> 63
     * ms/batch. PERF-NOTES cliff 3 (spinning collapses on shared cores) is about unbounded spinning and a caller
     * waiting for a descheduled worker; this poll is bounded and the caller still takes back chunks not started
     * (with a busy loop on one core: 103 -> 110 ms/batch, no collapse).
     */
    private static volatile long spinNs = 1000L * Math.max(0, Integer.getInteger("nanolm.spinMicros", 100));

    /** The poll before parking, in microseconds (nanolm.spinMicros). */
    public static int spinMicros() { return (int) (spinNs / 1000); }

    /** Sets the poll before parking (0: always park), e.g. for a benchmark that compares the two. */
    public static void setSpinMicros(int micros) {
        if (micros < 0) throw new IllegalArgumentException("spin micros must be >= 0, got " + micros);
        spinNs = 1000L * micros;
    }

    private static volatile Pool pool = new Pool(initialThreads());
    /** The thread currently using the workers, or null. Non-reentrant on purpose: a nested call runs inline. */
    private static final AtomicReference<Thread> owner = new AtomicReference<>();

    private Parallel() {}

    private static int initialThreads() {
        int n = Integer.getInteger("nanolm.threads", Runtime.getRuntime().availableProcessors());
        if (n < 1) throw new IllegalArgumentException("nanolm.threads must be >= 1, got " + n);
        return n;
    }

    /** Number of chunks a parallel range is split into (workers + the calling thread). */
    public static int threads() { return pool.threads; }

    /** Replaces the pool with one of n threads (the caller counts as one). Not from inside a parallel body. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        Thread me = Thread.currentThread();
        if (me instanceof Worker || owner.get() == me)
            throw new IllegalStateException("setThreads called from inside a parallel range");
        while (!owner.compareAndSet(null, me)) LockSupport.parkNanos(100_000L);
        try {
            Pool old = pool;
            if (old.threads == n) return;
            pool = new Pool(n);
            old.shutdown();
        } finally {
            owner.set(null);
        }
    }

    /** True on one of the pool's worker threads. */
    public static boolean inWorker() { return Thread.currentThread() instanceof Worker; }

    /** forRange with no minimum size: parallel whenever n >= threads(). */
    public static void forRange(int n, RangeBody body) { forRange(n, 1, body); }

    /**
     * Runs body over [0,n) split into threads() contiguous chunks (chunk c = [c*n/t, (c+1)*n/t)), the first on the
     * calling thread, and returns when all are done. A chunk whose worker has not started it by the time the caller
     * finishes its own runs on the caller too. Runs body(0,n) inline when n < grain or n < threads().
     * When the workers are unavailable (a nested call, or another thread is using them) the same chunks run
     * one after another on the caller, so results never depend on who ran what. An exception thrown by a chunk
     * is rethrown here once all chunks have finished (the lowest-numbered failing chunk's; others suppressed).
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        Pool p = pool;
        int t = p.threads;
        if (t == 1 || n < t || n < grain) {
            body.run(0, n);
            return;
        }
        Thread me = Thread.currentThread();
        if (me instanceof Worker || !owner.compareAndSet(null, me)) {
            for (int c = 0; c < t; c++) body.run(chunkStart(n, t, c), chunkStart(n, t, c + 1));
            return;
        }
        try {
            p = pool; // stable while we own it; setThreads may have swapped it before we got here
            if (p.threads != t) {
                // Pool changed between the size check and acquisition: decide again with the new size.
                owner.set(null);
                forRange(n, grain, body);
                return;
            }
            p.run(n, body, me);
        } finally {
            owner.compareAndSet(me, null);
        }
    }

    static int chunkStart(int n, int chunks, int c) { return (int) ((long) n * c / chunks); }

    private static final class Pool {
        final int threads;
        final Worker[] workers;
        final AtomicInteger pending = new AtomicInteger();
        /** errors[c]: what chunk c threw in the current call, whoever ran it. */
        final Throwable[] errors;
        volatile Thread caller;

        Pool(int threads) {
            this.threads = threads;
            this.errors = new Throwable[threads];
            this.workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1, "nanolm-worker-" + (i + 1));
                workers[i].start();
            }
        }

        void run(int n, RangeBody body, Thread me) {
            int t = threads;
            caller = me;
            pending.set(t - 1);
            for (int w = 1; w < t; w++) workers[w - 1].submit(chunkStart(n, t, w), chunkStart(n, t, w + 1), body);
            try {
                body.run(0, chunkStart(n, t, 1));
            } catch (Throwable e) {
                errors[0] = e;
            }
            // A worker that has not woken up yet (its core busy with something else) would make us wait for a
            // scheduler tick: take its chunk back and run it here. The chunks stay the same, so do the results.
            for (int w = 1; w < t; w++) {
                if (!workers[w - 1].take()) continue;
                try {
                    body.run(chunkStart(n, t, w), chunkStart(n, t, w + 1));
                } catch (Throwable e) {
                    errors[w] = e;
                }
                pending.decrementAndGet();
            }
            // Must wait even if a chunk failed: the workers still use body and the pool. Spin briefly first: a
            // worker that started its chunk is about to finish it, and a park costs a wake-up (tens of us).
            if (pending.get() != 0) {
                long spinEnd = System.nanoTime() + spinNs;
                while (pending.get() != 0) {
                    if (System.nanoTime() - spinEnd < 0) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
            }
            Throwable err = null;
            for (int c = 0; c < t; c++) {
                Throwable e = errors[c];
                if (e == null) continue;
                errors[c] = null;
                if (err == null) err = e;
                else if (err != e) err.addSuppressed(e);
            }
            if (err instanceof RuntimeException) throw (RuntimeException) err;
            if (err instanceof Error) throw (Error) err;
            if (err != null) throw new RuntimeException(err);
        }

        void shutdown() {
            for (Worker w : workers) w.retire();
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        private final int chunk;
        /** Odd: a chunk is waiting to be taken; whoever moves it to the next even value runs it. */
        private final AtomicLong ticket = new AtomicLong();
        private volatile boolean stopped;
        private RangeBody body;
        private int start, end;

        Worker(Pool pool, int chunk, String name) {
            super(name);
            this.pool = pool;
            this.chunk = chunk;
            setDaemon(true);
        }

        /** Called by the owner only, when the previous chunk is finished. */
        void submit(int start, int end, RangeBody body) {
            this.start = start;
            this.end = end;
            this.body = body;
            ticket.incrementAndGet(); // even -> odd: publishes the fields above
            LockSupport.unpark(this);
        }

        /** Claims the waiting chunk for the caller; false if this worker already has it. */
        boolean take() {
            long t = ticket.get();
            return (t & 1) == 1 && ticket.compareAndSet(t, t + 1);
        }

        void retire() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long spinEnd = 0; // after a chunk, poll for the next one until then before parking (0: park)
            while (true) {
                long t = ticket.get();
                if ((t & 1) == 0) {
                    if (stopped) return;
                    if (spinEnd != 0 && System.nanoTime() - spinEnd < 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    spinEnd = 0;
                    LockSupport.park(this);
                    continue;
                }
                if (!ticket.compareAndSet(t, t + 1)) continue; // the caller took it back
                RangeBody b = body;
                body = null; // do not keep the caller's arrays reachable
                try {
                    b.run(start, end);
                } catch (Throwable e) {
                    pool.errors[chunk] = e;
                }
                spinEnd = System.nanoTime() + spinNs;
                if (pool.pending.decrementAndGet() == 0) LockSupport.unpark(pool.caller);
            }
        }
    }
}
