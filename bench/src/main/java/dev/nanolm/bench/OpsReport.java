// Runs OpsBench through JMH and prints "op threads scalar_GBps vector_GBps speedup". Usage: OpsReport [--quick] [--threads 1,2]
package dev.nanolm.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

public final class OpsReport {
    public static void main(String[] args) throws java.io.IOException {
        BenchCli.run(() -> {
            boolean quick = false;
            String threads = "1";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--threads" -> {
                        if (i + 1 >= args.length || !args[i + 1].matches("[1-9][0-9]*(,[1-9][0-9]*)*"))
                            throw new IllegalArgumentException("--threads needs a list of thread counts such as 1,2");
                        threads = args[++i];
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (OpsReport [--quick] [--threads 1,2])");
                }
            }
            try {
                report(quick, threads);
            } catch (RunnerException e) {
                throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
            }
        });
    }

    private static void report(boolean quick, String threads) throws RunnerException {
        ChainedOptionsBuilder opt = new OptionsBuilder().include(OpsBench.class.getName()).param("threads", threads.split(","));
        if (quick) opt.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                      .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
        Map<String, double[]> table = new LinkedHashMap<>(); // "op threads" -> [scalar GB/s, vector GB/s]
        for (RunResult r : new Runner(opt.build()).run()) {
            String label = r.getParams().getBenchmark();
            String op = label.substring(label.lastIndexOf('.') + 1);
            String key = String.format(Locale.ROOT, "%-18s %-7s", op, r.getParams().getParam("threads"));
            double us = r.getPrimaryResult().getScore();
            double gbps = OpsBench.BYTES.get(op) / (us * 1e-6) * 1e-9;
            table.computeIfAbsent(key, x -> new double[] {Double.NaN, Double.NaN})[r.getParams().getParam("impl").equals("scalar") ? 0 : 1] = gbps;
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-18s %-7s %12s %12s %8s%n", "op", "threads", "scalar_GBps", "vector_GBps", "speedup");
        for (var e : table.entrySet())
            System.out.printf(Locale.ROOT, "%s %12.2f %12.2f %8.2f%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[1] / e.getValue()[0]);
    }
}
