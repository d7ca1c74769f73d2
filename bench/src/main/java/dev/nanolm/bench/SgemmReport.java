// Runs SgemmBench through JMH (the four model shapes x NN/NT/TN, plus the weight-gradient TN shapes) and prints
// "shape layout threads nanolm_GFLOPS libtorch_GFLOPS ratio".
// Usage: SgemmReport [--quick] [--shapes 768x128x128,...] [--layouts NN,TN] [--threads 1,2] [--no-dw]
// --quick: shorter warm-up and measurement (a first look; the default is the careful run). --shapes/--layouts
// replace the default model shapes; --no-dw drops the weight-gradient shapes.
package dev.nanolm.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public final class SgemmReport {
    public static void main(String[] args) throws RunnerException {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        String[] shapes = a.contains("--shapes") ? a.get(a.indexOf("--shapes") + 1).split(",") : SgemmShapes.SHAPES;
        String[] layouts = a.contains("--layouts") ? a.get(a.indexOf("--layouts") + 1).split(",") : SgemmShapes.LAYOUTS;
        String[] threads = a.contains("--threads") ? a.get(a.indexOf("--threads") + 1).split(",") : new String[] {"1", "2"};
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(quick, shapes, layouts, threads));
        if (!a.contains("--no-dw")) results.addAll(run(quick, SgemmShapes.DW_SHAPES, new String[] {"TN"}, threads));

        // key "shape layout threads" -> [nanolm ms, libtorch ms]
        Map<String, double[]> table = new LinkedHashMap<>();
        Map<String, Double> flops = new LinkedHashMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            String key = String.format(Locale.ROOT, "%-16s %-6s %-7s", p.getParam("shape"), p.getParam("layout"), p.getParam("threads"));
            double[] row = table.computeIfAbsent(key, k -> new double[] {Double.NaN, Double.NaN});
            // median op time (ms): SampleTime records every op
            row[p.getParam("impl").equals("nanolm") ? 0 : 1] = r.getPrimaryResult().getStatistics().getPercentile(50);
            String[] d = p.getParam("shape").split("x");
            flops.put(key, 2.0 * Long.parseLong(d[0]) * Long.parseLong(d[1]) * Long.parseLong(d[2]));
        }
        System.out.println();
        System.out.println("GFLOPS = 2*M*N*K / median op time; shape is MxKxN; ratio = nanolm / libtorch");
        System.out.printf(Locale.ROOT, "%-16s %-6s %-7s %14s %16s %6s%n", "shape", "layout", "threads", "nanolm_GFLOPS", "libtorch_GFLOPS", "ratio");
        for (var e : table.entrySet()) {
            double f = flops.get(e.getKey());
            double gn = f / (e.getValue()[0] * 1e-3) * 1e-9, gt = f / (e.getValue()[1] * 1e-3) * 1e-9;
            System.out.printf(Locale.ROOT, "%s %14.1f %16.1f %6.2f%n", e.getKey(), gn, gt, gn / gt);
        }
    }

    private static Collection<RunResult> run(boolean quick, String[] shapes, String[] layouts, String[] threads)
            throws RunnerException {
        ChainedOptionsBuilder opt = new OptionsBuilder()
                .include(SgemmBench.class.getName() + ".matmul")
                .param("shape", shapes)
                .param("layout", layouts)
                .param("threads", threads);
        if (quick) opt.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                      .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
        return new Runner(opt.build()).run();
    }
}
