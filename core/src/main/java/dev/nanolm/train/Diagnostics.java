// --diagnostics: makemore part 3's health checks of a training run, every --diagnostics-interval steps (and at
// the first and the last step). One JSON line per measurement in diagnostics.jsonl:
//   layers: per tanh layer, the output's mean, std, saturation (share of |t| > 0.97) and histogram over [-1, 1],
//           and the mean and std of the gradient of the loss with respect to that output;
//   params: per parameter, the gradient's mean and std (and histogram), std(grad)/std(data), and the
//           update-to-data ratio log10(std(update)/std(data)), where update is the actual change the optimizer
//           made (value after the step minus value before: lr*grad for plain SGD, whatever AdamW/momentum did otherwise)
//           and data is the value before the step.
// The trainer makes one Diagnostics when the flag is on, and calls beforeStep/afterStep around each step; after
// the last step the plots are drawn from the file (report.DiagnosticsPlots).
package dev.nanolm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.nn.ActivationRecorder;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class Diagnostics {
    public static final double SATURATION = 0.97;
    static final int BINS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final int interval;
    private final long lastStep;
    private final List<Parameter> params;
    private final ActivationRecorder recorder = new ActivationRecorder();
    private float[][] before;
    private long armedStep = -1;

    Diagnostics(Path file, int interval, long lastStep, List<Parameter> params) {
        this.file = file;
        this.interval = interval;
        this.lastStep = lastStep;
        this.params = params;
    }

    /** The diagnostics of a run when --diagnostics is on, else null (nothing is recorded and nothing costs). */
    public static Diagnostics create(Settings s, RunDir run, List<Parameter> params) {
        if (!check(s)) return null;
        return new Diagnostics(run.diagnostics(), s.integer("diagnostics-interval"), s.integer("max-iters"), params);
    }

    /** Checks --diagnostics and --diagnostics-interval (a ConfigException on a bad value); true when diagnostics are on. */
    public static boolean check(Settings s) {
        int interval = s.integer("diagnostics-interval");
        if (interval <= 0) throw new ConfigException("--diagnostics-interval must be positive, got " + interval, "use --diagnostics-interval 1000");
        return s.bool("diagnostics");
    }

    /** True for the steps that are measured: the first, every interval-th and the last. */
    public boolean measures(long step) { return step == 1 || step % interval == 0 || step == lastStep; }

    /** Before step `step` (1-based) runs its forward pass: on a measured step, records activations and keeps the parameters' values. */
    public void beforeStep(long step) {
        armedStep = -1;
        if (!measures(step)) {
            if (recorder.recording()) recorder.stop(); // the last measured step was skipped (non-finite): stop recording
            return;
        }
        if (before == null) {
            before = new float[params.size()][];
            for (int i = 0; i < before.length; i++) before[i] = new float[params.get(i).numel()];
        }
        for (int i = 0; i < before.length; i++) System.arraycopy(params.get(i).value().data, 0, before[i], 0, before[i].length);
        recorder.start();
        armedStep = step;
    }

    /** After the optimizer's update of step `step` (inside the step, while its activations are alive): measures and appends a line. */
    public void afterStep(long step, float lr) {
        if (armedStep != step) { recorder.stop(); return; }
        armedStep = -1;
        List<ActivationRecorder.Observation> seen = recorder.stop();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("lr", lr);
        row.put("update", "actual: value after the step - value before");
        row.put("layers", layers(seen));
        List<Object> ps = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) ps.add(param(params.get(i), before[i]));
        row.put("params", ps);
        try {
            AtomicFiles.appendLine(file, JSON.writeValueAsString(row));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
        if (step == lastStep) plot();
    }

    /** Draws plots/diagnostics-*.png from the file; a failure is a warning, not the end of the run. */
    void plot() {
        try {
            dev.nanolm.report.DiagnosticsPlots.write(file.getParent());
        } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
            System.err.println("warning: could not draw the diagnostics plots: " + e);
        }
    }

    /** Statistics of each observed layer; a layer seen several times in the step (micro-batches, time steps) is pooled. */
    static List<Object> layers(List<ActivationRecorder.Observation> seen) {
        LinkedHashMap<String, List<Tensor>> byName = new LinkedHashMap<>();
        LinkedHashMap<String, String> kinds = new LinkedHashMap<>();
        for (var o : seen) {
            byName.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(o.output());
            kinds.putIfAbsent(o.name(), o.kind());
        }
        List<Object> out = new ArrayList<>();
        for (var e : byName.entrySet()) {
            Moments act = new Moments(), grad = new Moments();
            long saturated = 0;
            long[] hist = new long[BINS];
            for (Tensor t : e.getValue()) {
                for (float v : t.data) {
                    act.add(v);
                    if (Math.abs(v) > SATURATION) saturated++;
                    if (v >= -1 && v <= 1) hist[Math.min(BINS - 1, (int) ((v + 1) / 2 * BINS))]++;
                }
                if (t.hasGrad()) for (float g : t.grad()) grad.add(g);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.getKey());
            m.put("kind", kinds.get(e.getKey()));
            m.put("mean", act.mean());
            m.put("std", act.std());
            m.put("saturated", act.n == 0 ? 0.0 : (double) saturated / act.n);
            if (grad.n > 0) {
                m.put("grad_mean", grad.mean());
                m.put("grad_std", grad.std());
            }
            m.put("hist", histJson(-1, 1, hist));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> param(Parameter p, float[] before) {
        Tensor t = p.value();
        Moments data = new Moments(), upd = new Moments();
        for (int j = 0; j < before.length; j++) {
            data.add(before[j]);
            upd.add(t.data[j] - before[j]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("shape", t.shape);
        m.put("data_std", data.std());
        if (t.hasGrad()) {
            float[] g = t.grad();
            Moments gm = new Moments();
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float v : g) { gm.add(v); lo = Math.min(lo, v); hi = Math.max(hi, v); }
            m.put("grad_mean", gm.mean());
            m.put("grad_std", gm.std());
            m.put("grad_data_ratio", finite(gm.std() / data.std()));
            if (hi > lo) {
                long[] hist = new long[BINS];
                double w = (hi - lo) / BINS;
                for (float v : g) hist[Math.min(BINS - 1, (int) ((v - lo) / w))]++;
                m.put("grad_hist", histJson(lo, hi, hist));
            }
        }
        m.put("update_std", upd.std());
        m.put("update_ratio_log10", finite(Math.log10(upd.std() / data.std())));
        return m;
    }

    private static Map<String, Object> histJson(double lo, double hi, long[] counts) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("lo", lo);
        h.put("hi", hi);
        h.put("counts", counts);
        return h;
    }

    /** NaN and infinities (a constant parameter, a zero update) become null in JSON. */
    private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

    /** Mean and sample standard deviation (n - 1, as torch.std), in double. */
    static final class Moments {
        long n;
        double sum, sumSq;

        void add(double v) { n++; sum += v; sumSq += v * v; }

        double mean() { return n == 0 ? 0 : sum / n; }

        double std() {
            if (n < 2) return 0;
            double m = sum / n;
            return Math.sqrt(Math.max(0, (sumSq - n * m * m) / (n - 1)));
        }
    }
}
