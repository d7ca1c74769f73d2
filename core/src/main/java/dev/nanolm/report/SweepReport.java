// A sweep's results from its run directories: sweep.csv and sweep.md (one row per run: the varied keys, best and
// final losses, time) and sweep.png/.svg (every run's val curve light and train curve dark in its own hue; the best
// run, lowest best val loss, drawn thicker and named "(best)").
package dev.nanolm.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.checkpoint.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;

public final class SweepReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run of the sweep: its directory name, what it varies, its status ("ok", "failed: ...", "not run"). */
    public record Entry(String name, Map<String, String> varied, String status) {}

    /** A row of the table; NaN where the run has no such figure. */
    record Row(Entry e, double bestVal, long bestStep, double finalTrain, double finalVal, double test, double wallS, double msPerIter,
               double testAcc, double bestTestAcc) {}

    /** Writes sweep.csv, sweep.md and sweep.png/.svg into dir; returns the best run's name (null if none has a val loss). */
    public static String write(Path dir, List<Entry> entries, String description) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Entry e : entries) rows.add(row(dir.resolve(e.name()), e));
        Set<String> keys = new LinkedHashSet<>();
        for (Entry e : entries) keys.addAll(e.varied().keySet());
        Row best = null;
        for (Row r : rows) if (!Double.isNaN(r.bestVal) && (best == null || r.bestVal < best.bestVal)) best = r;
        // classifier runs (no val loss): the best test accuracy
        if (best == null) for (Row r : rows) if (!Double.isNaN(r.bestTestAcc) && (best == null || r.bestTestAcc > best.bestTestAcc)) best = r;
        AtomicFiles.writeString(dir.resolve("sweep.csv"), csv(rows, keys));
        boolean plotted = plot(dir, rows, best);
        AtomicFiles.writeString(dir.resolve("sweep.md"), markdown(dir, rows, keys, best, description, plotted));
        return best == null ? null : best.e.name();
    }

    static Row row(Path run, Entry e) throws IOException {
        JsonNode s = Files.exists(run.resolve("summary.json")) ? JSON.readTree(run.resolve("summary.json").toFile()) : JSON.createObjectNode();
        return new Row(e, num(s, "best_val_loss"), s.has("best_step") ? s.get("best_step").asLong() : -1, num(s, "final_train_loss"),
                num(s, "final_val_loss"), num(s, has(s, "test_loss") ? "test_loss" : "final_test_loss"), num(s, "wall_s"),
                num(s, "train_ms_per_iter_median"), num(s, "test_accuracy"), num(s, "best_test_accuracy"));
    }

    private static boolean has(JsonNode s, String k) { return s.has(k); }

    private static double num(JsonNode s, String k) { return s.has(k) && s.get(k).isNumber() ? s.get(k).asDouble() : Double.NaN; }

    static String csv(List<Row> rows, Set<String> keys) {
        StringBuilder sb = new StringBuilder("run");
        for (String k : keys) sb.append(',').append(k);
        sb.append(",status,best_val_loss,best_step,final_train_loss,final_val_loss,test_loss,wall_s,train_ms_per_iter_median,test_accuracy,best_test_accuracy\n");
        for (Row r : rows) {
            sb.append(quote(r.e.name()));
            for (String k : keys) sb.append(',').append(quote(r.e.varied().getOrDefault(k, "")));
            sb.append(',').append(quote(r.e.status())).append(',').append(cell(r.bestVal)).append(',').append(r.bestStep < 0 ? "" : r.bestStep)
                    .append(',').append(cell(r.finalTrain)).append(',').append(cell(r.finalVal)).append(',').append(cell(r.test))
                    .append(',').append(cell(r.wallS)).append(',').append(cell(r.msPerIter))
                    .append(',').append(cell(r.testAcc)).append(',').append(cell(r.bestTestAcc)).append('\n');
        }
        return sb.toString();
    }

    static String cell(double v) { return Double.isNaN(v) ? "" : Double.toString(v); }

    static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String markdown(Path dir, List<Row> rows, Set<String> keys, Row best, String description, boolean plotted) {
        StringBuilder sb = new StringBuilder("# Sweep " + dir.getFileName() + "\n\n");
        if (description != null && !description.isEmpty()) sb.append(description).append("\n\n");
        if (best != null && !Double.isNaN(best.bestVal)) sb.append(String.format("Best run: **%s**, val loss %.4f at step %d.%n%n", best.e.name(), best.bestVal, best.bestStep));
        else if (best != null) sb.append(String.format("Best run: **%s**, test accuracy %.4f at best (%.4f at the end).%n%n", best.e.name(), best.bestTestAcc, best.testAcc));
        sb.append("| run |");
        for (String k : keys) sb.append(' ').append(k).append(" |");
        sb.append(" best val | at step | final train | final val | test | wall s | ms/iter | test acc | best test acc | status |\n|---|");
        sb.append("---|".repeat(keys.size())).append("---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            String name = r == best ? "**" + r.e.name() + "**" : r.e.name();
            sb.append("| ").append(name).append(" |");
            for (String k : keys) sb.append(' ').append(r.e.varied().getOrDefault(k, "")).append(" |");
            sb.append(' ').append(f4(r.bestVal)).append(" | ").append(r.bestStep < 0 ? "" : r.bestStep).append(" | ").append(f4(r.finalTrain))
                    .append(" | ").append(f4(r.finalVal)).append(" | ").append(f4(r.test)).append(" | ")
                    .append(Double.isNaN(r.wallS) ? "" : String.format("%.1f", r.wallS)).append(" | ")
                    .append(Double.isNaN(r.msPerIter) ? "" : String.format("%.3f", r.msPerIter)).append(" | ").append(f4(r.testAcc))
                    .append(" | ").append(f4(r.bestTestAcc)).append(" | ").append(r.e.status()).append(" |\n");
        }
        sb.append("\nLosses are the run's summary.json (val: the evaluation estimate; test: the whole test split). wall s is the "
                + "training session that finished the run (for a resumed run, the time since it resumed); ms/iter the median step.\n");
        if (plotted) sb.append("\n![val loss (light, dots) and train loss (dark) of every run](sweep.png)\n");
        return sb.toString();
    }

    static String f4(double v) { return Double.isNaN(v) ? "" : String.format("%.4f", v); }

    /** sweep.png/.svg; false when no run has a curve yet. */
    static boolean plot(Path dir, List<Row> rows, Row best) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        String bestName = null;
        int i = 0;
        for (Row r : rows) {
            List<double[]> train = new ArrayList<>(), val = new ArrayList<>();
            for (JsonNode m : RunPlots.readJsonl(dir.resolve(r.e.name()).resolve("metrics.jsonl"))) {
                if (!m.has("step")) continue;
                double step = m.get("step").asDouble();
                if (m.has("loss")) train.add(new double[] {step, m.get("loss").asDouble()});
                if (m.has("val_loss")) val.add(new double[] {step, m.get("val_loss").asDouble()});
                if (m.has("test_accuracy")) { // a classifier's evaluation: test loss as the light curve, the running train loss dark
                    val.add(new double[] {step, m.get("test_loss").asDouble()});
                    train.add(new double[] {step, m.get("train_loss").asDouble()});
                }
            }
            Plots.Hue hue = Plots.Hue.of(i++);
            String label = r.e.name() + (r == best ? " (best)" : "");
            if (r == best) bestName = label;
            if (!val.isEmpty()) series.add(RunPlots.series(label + " val", val, Plots.Style.eval(hue)));
            if (!train.isEmpty()) series.add(RunPlots.series(label + " train", train, Plots.Style.train(hue)));
        }
        if (series.isEmpty()) return false;
        XYChart c = Plots.lines("sweep " + dir.getFileName() + ": val loss (light, dots) and train loss (dark)", "step", "loss (log scale)", true, series);
        if (bestName != null) {
            for (String suffix : new String[] {" val", " train"}) {
                var s = c.getSeriesMap().get(bestName + suffix);
                if (s != null) s.setLineWidth(4f);
            }
        }
        Plots.write(c, dir.resolve("sweep.png"), true);
        return true;
    }

    private SweepReport() {}
}
