// The kernels' reusable per-thread task objects: reused by a thread, never shared by two calls at once, so kernels
// called from two threads at the same time, or nested inside a parallel body, give the bits of a lone call.
package dev.nanolm.kernels;

import dev.nanolm.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class KernelTasksTest {
    private final int originalThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(originalThreads); }

    private static final class Probe extends Task {
        float[] data;
        @Override public void run(int start, int end) {}
        @Override void clear() { data = null; }
    }

    @Test
    void aThreadReusesItsTaskAndANestedAcquireGetsAnotherOne() throws Exception {
        Task.Local<Probe> local = new Task.Local<>(Probe::new);
        Probe first;
        try (Probe t = local.acquire()) {
            first = t;
            t.data = new float[1];
            try (Probe nested = local.acquire()) {
                assertNotSame(t, nested, "a task in use is never handed out again");
            }
            assertNotNull(t.data, "closing the nested task leaves the outer one alone");
        }
        assertNull(first.data, "close drops the arrays");
        try (Probe t = local.acquire()) {
            assertSame(first, t, "the same thread gets its task back: no allocation per call");
        }
        AtomicReference<Probe> other = new AtomicReference<>();
        Thread th = new Thread(() -> { try (Probe t = local.acquire()) { other.set(t); } });
        th.start();
        th.join();
        assertNotSame(first, other.get(), "another thread has its own task");
    }

    /** One kernel call on fixed inputs, returning its outputs in fresh arrays. */
    private interface Call { float[][] run(); }

    private static float[] uniform(Rng rng, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.nextFloat();
        return x;
    }

    /** Every kernel with a task, at sizes that split over the pool when called alone. */
    private static List<Call> calls() {
        Rng rng = new Rng(11);
        Kernels k = new VectorKernels();
        List<Call> calls = new ArrayList<>();
        int rows = 300, C = 129, n = 100_003;
        float[] x = uniform(rng, rows * C, -3f, 3f), dout = uniform(rng, rows * C, -1f, 1f);
        float[] w = uniform(rng, C, 0.5f, 1.5f), b = uniform(rng, C, -0.5f, 0.5f);
        calls.add(() -> { float[] o = new float[rows * C]; k.softmax(x, 0, o, 0, rows, C); return new float[][] {o}; });
        calls.add(() -> { float[] o = new float[rows * C]; k.logSoftmax(x, 0, o, 0, rows, C); return new float[][] {o}; });
        calls.add(() -> {
            float[] o = new float[rows * C], mean = new float[rows], rstd = new float[rows];
            k.layerNormForward(x, w, b, o, mean, rstd, rows, C, 1e-5f);
            float[] dx = new float[rows * C], dw = new float[C], db = new float[C];
            k.layerNormBackward(dout, x, w, mean, rstd, dx, dw, db, rows, C);
            return new float[][] {o, mean, rstd, dx, dw, db};
        });
        float[] e = uniform(rng, n, -6f, 6f), de = uniform(rng, n, -1f, 1f);
        calls.add(() -> { float[] o = new float[n]; k.geluForward(e, o, n); return new float[][] {o}; });
        calls.add(() -> { float[] o = de.clone(); k.geluBackward(e, de, o, n); return new float[][] {o}; });
        calls.add(() -> { float[] o = new float[n]; k.tanhForward(e, o, n); return new float[][] {o}; });
        calls.add(() -> { float[] o = new float[n]; k.sigmoidForward(e, o, n); return new float[][] {o}; });
        float[] p = uniform(rng, n, -1f, 1f), g = uniform(rng, n, -2f, 2f), m = uniform(rng, n, -0.5f, 0.5f), v = uniform(rng, n, 0f, 0.5f);
        calls.add(() -> {
            float[] pp = p.clone(), mm = m.clone(), vv = v.clone();
            k.adamw(pp, g, mm, vv, 3, n - 7, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 0.271f, 0.143f);
            return new float[][] {pp, mm, vv};
        });
        int B = 3, T = 20, Ca = 48, nHead = 4;
        float[] qkv = uniform(rng, B * T * 3 * Ca, -1f, 1f), dy = uniform(rng, B * T * Ca, -1f, 1f);
        long[] seeds = AttentionKernels.dropoutSeeds(rng, B, nHead);
        for (AttentionKernels a : new AttentionKernels[] {AttentionKernels.get(), AttentionKernels.of(new ScalarKernels())}) {
            calls.add(() -> {
                float[] y = new float[B * T * Ca], att = new float[(int) a.savedSize(B, T, nHead)], dqkv = new float[qkv.length];
                a.forward(qkv, y, B, T, Ca, nHead, att, seeds, 0.1f);
                a.backward(qkv, dqkv, dy, B, T, Ca, nHead, att, seeds, 0.1f);
                return new float[][] {y, att, dqkv};
            });
        }
        return calls;
    }

    private static void assertSameBits(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], what + ", output " + i);
    }

    @Test
    void twoThreadsCallingTheKernelsAtOnceGetTheLoneResults() throws Exception {
        Parallel.setThreads(2);
        List<Call> calls = calls();
        List<float[][]> lone = new ArrayList<>();
        for (Call c : calls) lone.add(c.run());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            boolean reversed = t == 1; // different kernels at the same moment, as well as the same ones
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                    for (int rep = 0; rep < 5; rep++) {
                        for (int j = 0; j < calls.size(); j++) {
                            int i = reversed ? calls.size() - 1 - j : j;
                            assertSameBits(lone.get(i), calls.get(i).run(), "call " + i);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "kernel-caller-" + t);
            threads[t].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
        if (failure.get() != null) throw new AssertionError("concurrent kernel calls", failure.get());
    }

    @Test
    void kernelsNestedInAParallelBodyGetTheLoneResults() {
        Parallel.setThreads(2);
        List<Call> calls = calls();
        List<float[][]> lone = new ArrayList<>();
        for (Call c : calls) lone.add(c.run());
        int n = 2 * calls.size();
        float[][][] nested = new float[n][][];
        // chunks on the caller and on a worker, each running kernels whose own forRange then runs inline
        Parallel.forRange(n, (s, e) -> { for (int i = s; i < e; i++) nested[i] = calls.get(i % calls.size()).run(); });
        for (int i = 0; i < n; i++) assertSameBits(lone.get(i % calls.size()), nested[i], "nested call " + i);
    }
}
