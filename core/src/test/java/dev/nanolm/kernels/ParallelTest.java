// The shared pool: every index runs once, chunks are the documented deterministic split, nesting and
// concurrent callers do not deadlock, and a chunk's exception reaches the caller.
package dev.nanolm.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

class ParallelTest {
    private final int originalThreads = Parallel.threads(), originalSpin = Parallel.spinMicros();
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(originalThreads);
        Parallel.setSpinMicros(originalSpin);
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int t : new int[] {1, 2, 3}) for (int spin : new int[] {0, 100}) { // parking workers, or polling first
            Parallel.setThreads(t);
            Parallel.setSpinMicros(spin);
            assertEquals(t, Parallel.threads());
            for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.forRange(n, (s, e) -> { for (int i = s; i < e; i++) hits.incrementAndGet(i); });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "t=" + t + " n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void chunksAreTheDocumentedSplitAndUseWorkers() {
        Parallel.setThreads(3);
        for (int rep = 0; rep < 20; rep++) {
            List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
            Set<Thread> ranOn = Collections.synchronizedSet(new HashSet<>());
            CountDownLatch workersStarted = new CountDownLatch(2);
            Thread caller = Thread.currentThread();
            Parallel.forRange(10, (s, e) -> {
                chunks.add(new int[] {s, e});
                ranOn.add(Thread.currentThread());
                if (Parallel.inWorker()) workersStarted.countDown();
                // The caller takes back chunks no worker has started; hold it in its own chunk so the workers do.
                if (s == 0) await(workersStarted);
            });
            chunks.sort((x, y) -> Integer.compare(x[0], y[0]));
            assertEquals(3, chunks.size());
            assertArrayEquals(new int[] {0, 3}, chunks.get(0));
            assertArrayEquals(new int[] {3, 6}, chunks.get(1));
            assertArrayEquals(new int[] {6, 10}, chunks.get(2));
            assertEquals(3, ranOn.size(), "each chunk on its own thread");
            assertTrue(ranOn.contains(caller), "one chunk ran on the caller");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS), "workers never started");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void belowGrainOrThreadsRunsInlineAsOneChunk() {
        Parallel.setThreads(2);
        List<int[]> chunks = new ArrayList<>();
        Thread caller = Thread.currentThread();
        Parallel.forRange(100, 101, (s, e) -> { assertSame(caller, Thread.currentThread()); chunks.add(new int[] {s, e}); });
        Parallel.forRange(1, (s, e) -> { assertSame(caller, Thread.currentThread()); chunks.add(new int[] {s, e}); });
        assertEquals(2, chunks.size());
        assertArrayEquals(new int[] {0, 100}, chunks.get(0));
        assertArrayEquals(new int[] {0, 1}, chunks.get(1));
    }

    @Test
    void nestedCallsRunInlineWithTheSameChunks() {
        Parallel.setThreads(2);
        int outer = 4, inner = 50;
        AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
        assertTimeoutPreemptively(LIMIT, () -> Parallel.forRange(outer, (s, e) -> {
            for (int o = s; o < e; o++) {
                int base = o * inner;
                List<int[]> chunks = new ArrayList<>();
                Parallel.forRange(inner, (s2, e2) -> {
                    chunks.add(new int[] {s2, e2});
                    for (int i = s2; i < e2; i++) hits.incrementAndGet(base + i);
                });
                // The nested call's chunks are the same as a top-level call's, run here one after the other.
                assertEquals(2, chunks.size());
                assertArrayEquals(new int[] {0, 25}, chunks.get(0));
                assertArrayEquals(new int[] {25, 50}, chunks.get(1));
            }
        }));
        for (int i = 0; i < outer * inner; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void exceptionFromAWorkerChunkReachesTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, (s, end) -> {
            if (s >= 5) throw new IllegalStateException("chunk " + s);
        }));
        assertEquals("chunk 5", e.getMessage());
        // and from the caller's own chunk, with the worker's as suppressed
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(10, (s, end) -> {
            throw new IllegalArgumentException("chunk " + s);
        }));
        assertEquals("chunk 0", e2.getMessage());
        assertEquals(1, e2.getSuppressed().length);
        // the pool still works afterwards
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        Parallel.forRange(10, (s, end) -> { for (int i = s; i < end; i++) hits.incrementAndGet(i); });
        for (int i = 0; i < 10; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void concurrentCallersBothComplete() throws Exception {
        Parallel.setThreads(2);
        int n = 1000, reps = 200;
        AtomicIntegerArray hits = new AtomicIntegerArray(2 * n);
        Thread[] callers = new Thread[2];
        Throwable[] errors = new Throwable[2];
        for (int c = 0; c < 2; c++) {
            int base = c * n, id = c;
            callers[c] = new Thread(() -> {
                try {
                    for (int r = 0; r < reps; r++)
                        Parallel.forRange(n, (s, e) -> { for (int i = s; i < e; i++) hits.incrementAndGet(base + i); });
                } catch (Throwable t) {
                    errors[id] = t;
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) t.join(LIMIT.toMillis());
        for (Thread t : callers) assertFalse(t.isAlive(), "caller stuck");
        for (Throwable t : errors) assertNull(t);
        for (int i = 0; i < 2 * n; i++) assertEquals(reps, hits.get(i));
    }

    @Test
    void idleWorkersStopPollingAndPark() throws Exception {
        Parallel.setThreads(2);
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 50; rep++) Parallel.forRange(2, (s, e) -> { // ~1 ms per chunk: long enough for a worker to take it
            ran.add(Thread.currentThread());
            for (long end = System.nanoTime() + 1_000_000; System.nanoTime() < end; ) Thread.onSpinWait();
        });
        ran.remove(Thread.currentThread());
        assertFalse(ran.isEmpty(), "no chunk ran on a worker");
        // the poll after a chunk is bounded (Parallel.spinMicros): a worker must be parked well after the last call
        Thread.sleep(200 + Parallel.spinMicros() / 1000);
        for (Thread w : ran) assertEquals(Thread.State.WAITING, w.getState(), w.getName() + " still running after 200 ms idle");
    }

    @Test
    void rejectsBadThreadCounts() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        Parallel.setThreads(2);
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(2, (s, e) -> Parallel.setThreads(1)));
        assertEquals(2, Parallel.threads());
    }
}
