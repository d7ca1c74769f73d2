// Quick (non-JMH) timing of the fused causal self-attention, forward alone and forward+backward, against the same
// attention composed from existing ops; GFLOPS count only the causal half of the products (2 forward, 4 backward).
// Usage: AttentionQuick [--shapes 12x64x128x4,64x256x384x6] [--threads 1,2] [--secs 2] [--no-composed] [--dropout 0.2]
//        [--cpu-time] (the calling thread's CPU time: steadier on a busy machine, meaningful with 1 thread only)
package dev.nanolm.bench;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

public final class AttentionQuick {
    static boolean cpuTime;
    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long now() { return cpuTime ? MX.getCurrentThreadCpuTime() : System.nanoTime(); }

    public static void main(String[] args) {
        String shapes = "12x64x128x4,64x256x384x6", threads = "1,2";
        double secs = 2;
        boolean composed = true;
        float dropout = 0f;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shapes": shapes = args[++i]; break;
                case "--threads": threads = args[++i]; break;
                case "--secs": secs = Double.parseDouble(args[++i]); break;
                case "--no-composed": composed = false; break;
                case "--dropout": dropout = Float.parseFloat(args[++i]); break;
                case "--cpu-time": cpuTime = true; break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "%-16s %-7s %-9s %10s %10s %12s %12s%n", "BxTxCxnh", "threads", "impl",
                "fwd_ms", "fwd+bwd_ms", "fwd_GFLOPS", "f+b_GFLOPS");
        for (String t : threads.split(",")) {
            Parallel.setThreads(Integer.parseInt(t));
            for (String shape : shapes.split(",")) {
                int[] s = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
                int B = s[0], T = s[1], C = s[2], nh = s[3];
                double pairFlops = 2.0 * B * C * T * (T + 1) / 2.0; // one causal (T,T)x(T,hs) product over all heads
                Rng rng = new Rng(1);
                Tensor qkv = Tensor.zeros(B, T, 3 * C);
                for (int i = 0; i < qkv.data.length; i++) qkv.data[i] = (float) rng.nextGaussian();
                Tensor dy = Tensor.zeros(B, T, C);
                for (int i = 0; i < dy.data.length; i++) dy.data[i] = (float) rng.nextGaussian();
                final float p = dropout;
                Function<Tensor, Tensor> fused = x -> Ops.causalSelfAttention(x, nh, p, p > 0, rng);
                report(shape, t, "fused", fused, qkv, dy, pairFlops, secs);
                if (composed) report(shape, t, "composed", x -> composed(x, nh, p, rng), qkv, dy, pairFlops, secs);
            }
        }
    }

    static void report(String shape, String threads, String impl, Function<Tensor, Tensor> f, Tensor qkv, Tensor dy,
                       double pairFlops, double secs) {
        double fwd = seconds(secs, () -> {
            try (var g = Tape.noGrad()) {
                f.apply(qkv);
            }
        });
        double both = seconds(secs, () -> {
            qkv.requiresGrad(true);
            qkv.zeroGrad();
            Tensor y = f.apply(qkv);
            Tensor loss = Tensor.scalar(0f);
            Tape.record(loss, () -> {
                float[] g = y.grad();
                for (int i = 0; i < g.length; i++) g[i] += dy.data[i];
            });
            Tape.backward(loss);
            qkv.requiresGrad(false);
        });
        System.out.printf(Locale.ROOT, "%-16s %-7s %-9s %10.2f %10.2f %12.1f %12.1f%n", shape, threads, impl,
                fwd * 1e3, both * 1e3, 2 * pairFlops / fwd * 1e-9, 6 * pairFlops / both * 1e-9);
    }

    /** Median seconds per run over repetitions filling about secs, after a warm-up of half that. */
    static double seconds(double secs, Runnable op) {
        long warmEnd = System.nanoTime() + (long) (secs * 0.5e9);
        int warm = 0;
        while (System.nanoTime() < warmEnd || warm < 2) { op.run(); warm++; }
        double[] times = new double[100_000];
        int n = 0;
        long end = System.nanoTime() + (long) (secs * 1e9);
        while ((System.nanoTime() < end || n < 3) && n < times.length) {
            long t0 = now();
            op.run();
            times[n++] = (now() - t0) * 1e-9;
        }
        double[] t = Arrays.copyOf(times, n);
        Arrays.sort(t);
        return t[n / 2];
    }

    /** nanoGPT's attention written with the general ops (the path a model takes without the fused op). */
    static Tensor composed(Tensor qkv, int nHead, float p, Rng rng) {
        int B = qkv.dim(0), T = qkv.dim(1), C = qkv.dim(2) / 3, hs = C / nHead;
        Tensor[] parts = Ops.split(qkv, 2, C, C, C);
        Tensor q = Ops.transpose(Ops.view(parts[0], B, T, nHead, hs), 1, 2);
        Tensor k = Ops.transpose(Ops.view(parts[1], B, T, nHead, hs), 1, 2);
        Tensor v = Ops.transpose(Ops.view(parts[2], B, T, nHead, hs), 1, 2);
        Tensor att = Ops.mulScalar(Ops.matmulNT(q, k), (float) (1.0 / Math.sqrt(hs)));
        Tensor mask = Tensor.zeros(T, T);
        for (int i = 0; i < T; i++) Arrays.fill(mask.data, i * T + i + 1, (i + 1) * T, Float.NEGATIVE_INFINITY);
        att = Ops.dropout(Ops.softmax(Ops.add(att, mask)), p, p > 0, rng);
        return Ops.reshape(Ops.transpose(Ops.matmul(att, v), 1, 2), B, T, C);
    }
}
