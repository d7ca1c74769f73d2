// `nanolm compare`'s report: one row per language-model run (model, size, tokenizer, losses, perplexity and bits per
// character of the whole val split, generation speed, training time) as a Markdown table (compare.md) and compare.csv,
// and compare-val-loss.png: every run's val loss by step and by training seconds, side by side.
package dev.nanolm.report;

import static dev.nanolm.report.SweepReport.cell;
import static dev.nanolm.report.SweepReport.f4;
import static dev.nanolm.report.SweepReport.quote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.data.DataException;
import dev.nanolm.eval.LossEval;
import dev.nanolm.train.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;

public final class Comparison {
    public static final String MARKDOWN = "compare.md", CSV = "compare.csv", PLOT = "compare-val-loss.png";

    /**
     * One run: its summary.json and what compare measured with its checkpoint. wholeVal is the mean loss over the
     * whole val split in nats per token; charsPerToken is 1 for characters and line items; genSeconds is the time to
     * generate genTokens tokens.
     */
    public record Entry(String name, Path dir, Map<String, Object> summary, double wholeVal, double charsPerToken,
                        int genTokens, double genSeconds) {
        double perplexity() { return Math.exp(wholeVal); }
        double bitsPerChar() { return LossEval.bitsPerChar(wholeVal, charsPerToken); }
        double tokensPerS() { return genTokens / genSeconds; }
        /** Training seconds over all sessions; runs from before --max-time only have wall_s, the last session's time. */
        double trainS() { return num(summary.containsKey("train_s") ? "train_s" : "wall_s"); }
        boolean trainSIsWall() { return !summary.containsKey("train_s"); }
        String str(String key) { return summary.containsKey(key) ? String.valueOf(summary.get(key)) : ""; }
        double num(String key) { return summary.get(key) instanceof Number n ? n.doubleValue() : Double.NaN; }
    }

    /**
     * The summary.json of a finished run: one that stopped at max-iters or max-time (summary.json's stopped_by), or,
     * for a run from before --max-time, whose steps reached its max-iters. Anything else is a DataException.
     */
    public static Map<String, Object> finishedSummary(RunDir run) {
        Path dir = run.dir;
        String resume = "finish it with `nanolm train --out " + dir + " --resume`, or leave it out of the comparison";
        if (!Files.exists(run.summary())) throw new DataException(dir + " has no summary.json: the run has not finished an evaluation", resume);
        Map<String, Object> s = run.readJson(run.summary());
        if (s.containsKey("stopped_by")) return s;
        Object settings = Files.exists(run.config()) ? run.readJson(run.config()).get("settings") : null;
        Object maxIters = settings instanceof Map<?, ?> m ? m.get("max-iters") : null;
        long iters = s.get("iters") instanceof Number n ? n.longValue() : -1;
        if (maxIters != null && iters >= Long.parseLong(maxIters.toString().replace("_", ""))) return s;
        throw new DataException(dir + " is unfinished: step " + iters + " of " + maxIters + " and no stopped_by in its summary.json", resume);
    }

    /**
     * Writes compare.md, compare.csv and compare-val-loss.png into out; returns the Markdown table. measured says how
     * the whole-split loss and the generation time were measured (which checkpoint, prompt, seed, repeats).
     */
    public static String write(Path out, List<Entry> entries, String measured) throws IOException {
        String table = table(entries);
        AtomicFiles.writeString(out.resolve(CSV), csv(entries));
        boolean plotted = plot(out.resolve(PLOT), entries);
        StringBuilder md = new StringBuilder("# Comparison of " + entries.size() + " runs\n\n").append(table).append('\n');
        md.append("Final train and val loss: each run's last evaluation (summary.json). Val loss (whole split): the mean loss per token ")
                .append("over the whole val split; perplexity is exp of it (per token: it depends on the tokenizer), bits/char is it / ")
                .append("(characters per token) / ln 2, which compares character- and token-level models fairly. ").append(measured)
                .append(" Training s: steps and evaluations over all sessions (train_s)")
                .append(entries.stream().anyMatch(Entry::trainSIsWall) ? "; * = the last session's wall_s (a run from before --max-time)" : "")
                .append(". Timings depend on the machine and its load.\n");
        Set<String> datasets = new LinkedHashSet<>();
        for (Entry e : entries) datasets.add(e.str("dataset"));
        if (datasets.size() > 1) md.append("\n**Note:** the runs were trained on different datasets (").append(String.join(", ", datasets))
                .append("): their losses do not compare.\n");
        if (plotted) md.append("\n![val loss of every run by step and by training seconds](").append(PLOT).append(")\n");
        AtomicFiles.writeString(out.resolve(MARKDOWN), md.toString());
        return table;
    }

    static String table(List<Entry> entries) {
        int n = entries.isEmpty() ? 0 : entries.get(0).genTokens();
        StringBuilder sb = new StringBuilder("| run | model | params | tokenizer | steps | final train loss | final val loss | val loss (whole split) "
                + "| val perplexity | val bits/char | generate " + n + " tokens (s) | tokens/s | training s |\n"
                + "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Entry e : entries) {
            sb.append("| ").append(e.name()).append(" | ").append(e.str("model")).append(" | ")
                    .append(Double.isNaN(e.num("params")) ? "" : String.format("%,d", (long) e.num("params"))).append(" | ")
                    .append(e.str("tokenizer")).append(" | ").append(e.str("iters")).append(" | ")
                    .append(f4(e.num("final_train_loss"))).append(" | ").append(f4(e.num("final_val_loss"))).append(" | ")
                    .append(f4(e.wholeVal())).append(" | ").append(String.format("%.3f", e.perplexity())).append(" | ")
                    .append(f4(e.bitsPerChar())).append(" | ").append(String.format("%.3f", e.genSeconds())).append(" | ")
                    .append(String.format("%.0f", e.tokensPerS())).append(" | ")
                    .append(String.format("%.1f", e.trainS())).append(e.trainSIsWall() ? "*" : "").append(" |\n");
        }
        return sb.toString();
    }

    static String csv(List<Entry> entries) {
        StringBuilder sb = new StringBuilder("run,dir,model,params,tokenizer,dataset,steps,stopped_by,final_train_loss,final_val_loss,"
                + "val_loss_whole_split,val_perplexity,val_bits_per_char,val_chars_per_token,generate_tokens,generate_s,tokens_per_s,train_s,train_s_is_wall_s\n");
        for (Entry e : entries) {
            for (String v : List.of(e.name(), e.dir().toString(), e.str("model"), e.str("params"), e.str("tokenizer"), e.str("dataset"),
                    e.str("iters"), e.str("stopped_by"))) sb.append(quote(v)).append(',');
            for (double v : new double[] {e.num("final_train_loss"), e.num("final_val_loss"), e.wholeVal(), e.perplexity(), e.bitsPerChar(),
                    e.charsPerToken()}) sb.append(cell(v)).append(',');
            sb.append(e.genTokens()).append(',');
            for (double v : new double[] {e.genSeconds(), e.tokensPerS(), e.trainS()}) sb.append(cell(v)).append(',');
            sb.append(e.trainSIsWall()).append('\n');
        }
        return sb.toString();
    }

    /** Val loss by step (left) and by training seconds (right), one line per run; false when no run has a curve. */
    static boolean plot(Path png, List<Entry> entries) throws IOException {
        List<Plots.Series> byStep = new ArrayList<>(), byTime = new ArrayList<>();
        int i = 0;
        for (Entry e : entries) {
            List<double[]> step = new ArrayList<>(), time = new ArrayList<>();
            for (JsonNode m : RunPlots.readJsonl(e.dir().resolve("metrics.jsonl"))) {
                if (!m.has("step") || !m.has("val_loss")) continue;
                double val = m.get("val_loss").asDouble();
                step.add(new double[] {m.get("step").asDouble(), val});
                if (m.has("elapsed_s")) time.add(new double[] {m.get("elapsed_s").asDouble(), val});
            }
            Plots.Style style = new Plots.Style(Plots.Hue.of(i++), false, true, true);
            if (!step.isEmpty()) byStep.add(RunPlots.series(e.name(), step, style));
            if (!time.isEmpty()) byTime.add(RunPlots.series(e.name(), time, style));
        }
        if (byStep.isEmpty()) return false;
        List<XYChart> panels = new ArrayList<>();
        panels.add(Plots.lines("val loss by step", "step", "val loss (log scale)", true, byStep));
        // runs from before --max-time have no elapsed_s: the time panel shows the others, or is left out
        if (!byTime.isEmpty())
            panels.add(Plots.lines("val loss by training time", "training seconds (steps and evaluations)", "val loss (log scale)", true, byTime));
        Plots.writePanels(png, panels);
        return true;
    }

    private Comparison() {}
}
