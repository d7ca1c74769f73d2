// Quick (non-JMH) SGEMM timing for iterating on the kernel: median GFLOPS of nanolm per shape, layout and thread
// count, and optionally libtorch's (its thread count is fixed per process: --torch-threads N).
// Usage: SgemmQuick [--threads 1,2] [--shapes 768x128x128,...] [--layouts NN,NT,TN] [--secs 1] [--torch-threads N] [--no-header] [--cpu-time] [--best]
package dev.nanolm.bench;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;

import java.util.Arrays;
import java.util.Locale;

public final class SgemmQuick {
    /** Time with the calling thread's CPU time instead of wall time: steadier on a busy machine, 1 thread only. */
    static boolean cpuTime;
    /** Report the fastest repetition instead of the median (the least disturbed one on a busy machine). */
    static boolean best;
    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long now() { return cpuTime ? MX.getCurrentThreadCpuTime() : System.nanoTime(); }
    public static void main(String[] args) {
        String threads = "1,2", shapes = String.join(",", SgemmShapes.SHAPES), layouts = "NN,NT,TN";
        double secs = 1.0;
        int torchThreads = 0;
        boolean header = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads": threads = args[++i]; break;
                case "--shapes": shapes = args[++i]; break;
                case "--layouts": layouts = args[++i]; break;
                case "--secs": secs = Double.parseDouble(args[++i]); break;
                case "--torch-threads": torchThreads = Integer.parseInt(args[++i]); break;
                case "--no-header": header = false; break;
                case "--cpu-time": cpuTime = true; break;
                case "--best": best = true; break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (torchThreads > 0) TorchMatmul.configure(torchThreads);
        Kernels k = Kernels.get();
        if (header) System.out.printf(Locale.ROOT, "%-16s %-6s %-7s %14s %16s %6s%n", "shape", "layout", "threads",
                "nanolm_GFLOPS", "libtorch_GFLOPS", "ratio");
        for (String t : threads.split(",")) {
            int nt = Integer.parseInt(t);
            Parallel.setThreads(nt);
            for (String shape : shapes.split(","))
                for (String layout : layouts.split(",")) {
                    SgemmShapes s = new SgemmShapes(shape, layout);
                    double g = gflops(s.flops(), secs, () -> s.run(k));
                    String torch = "";
                    if (torchThreads == nt) {
                        try (TorchMatmul tm = new TorchMatmul(s)) {
                            double gt = gflops(s.flops(), secs, tm::run);
                            torch = String.format(Locale.ROOT, "%16.1f %6.2f", gt, g / gt);
                        }
                    }
                    System.out.printf(Locale.ROOT, "%-16s %-6s %-7d %14.1f %s%n", shape, layout, nt, g, torch);
                }
        }
    }

    /** Median GFLOPS over repetitions filling about `secs` seconds, after a warm-up of half that. */
    static double gflops(double flops, double secs, Runnable op) {
        long warmEnd = System.nanoTime() + (long) (secs * 0.5e9);
        int warm = 0;
        while (System.nanoTime() < warmEnd || warm < 3) { op.run(); warm++; }
        double[] times = new double[10_000];
        int n = 0;
        long end = System.nanoTime() + (long) (secs * 1e9);
        while ((System.nanoTime() < end || n < 3) && n < times.length) {
            long t0 = now();
            op.run();
            times[n++] = (now() - t0) * 1e-9;
        }
        double[] t = Arrays.copyOf(times, n);
        Arrays.sort(t);
        return flops / (best ? t[0] : t[n / 2]) * 1e-9;
    }
}
