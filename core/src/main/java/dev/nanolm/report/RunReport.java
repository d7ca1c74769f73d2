// A run directory as one page: report.html (self-contained: plots embedded as base64 PNG, no outside reference) and
// report.md (the same, plots linked relatively): summary, timings, config, plots, samples over training by step
// beside the true continuation of the prompt (text data) or the sampled items (line data).
package dev.nanolm.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> TIMING_KEYS = Set.of("wall_s", "train_ms_per_iter_median", "train_tokens_per_s", "sample_tokens_per_s", "threads", "jdk");
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d+)\\.txt");

    /** A sample file: its step and text. */
    record Sample(long step, String text) {}

    /** Everything the page shows, read once from the run directory. */
    record Content(String name, Map<String, String> summary, Map<String, String> timings, Map<String, String> settings,
                   Map<String, String> about, List<Path> plots, String prompt, String truth, List<Sample> samples) {}

    /** Writes dir/report.html and dir/report.md; a directory without config.json is a DataException. */
    public static void write(Path dir) throws IOException {
        Content c = read(dir);
        AtomicFiles.writeString(dir.resolve("report.html"), html(dir, c));
        AtomicFiles.writeString(dir.resolve("report.md"), markdown(c));
    }

    static Content read(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.exists(config))
            throw new DataException(dir + " is not a run directory (no config.json)", "give --run the --out directory of a `train` run");
        JsonNode cfg = JSON.readTree(config.toFile());
        JsonNode sum = Files.exists(dir.resolve("summary.json")) ? JSON.readTree(dir.resolve("summary.json").toFile()) : JSON.createObjectNode();
        Map<String, String> summary = new LinkedHashMap<>(), timings = new LinkedHashMap<>(), settings = new LinkedHashMap<>(), about = new LinkedHashMap<>();
        sum.fields().forEachRemaining(e -> (TIMING_KEYS.contains(e.getKey()) ? timings : summary).put(e.getKey(), text(e.getValue())));
        cfg.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        cfg.fields().forEachRemaining(e -> { if (!e.getKey().equals("settings")) flatten(e.getKey(), e.getValue(), about); });
        if (!timings.containsKey("threads") && cfg.has("threads")) timings.put("threads", cfg.get("threads").asText());
        if (cfg.has("kernels")) timings.put("kernels", cfg.get("kernels").asText());

        List<Path> plots = new ArrayList<>();
        Path pd = dir.resolve("plots");
        if (Files.isDirectory(pd)) try (var s = Files.list(pd)) {
            s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted((a, b) -> {
                boolean la = a.getFileName().toString().equals("loss.png"), lb = b.getFileName().toString().equals("loss.png");
                return la != lb ? (la ? -1 : 1) : a.compareTo(b); // the learning curves first
            }).forEach(plots::add);
        }
        List<Sample> samples = new ArrayList<>();
        String truth = null;
        Path sd = dir.resolve("samples");
        if (Files.isDirectory(sd)) try (var s = Files.list(sd)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = STEP_FILE.matcher(p.getFileName().toString());
                if (m.matches()) samples.add(new Sample(Long.parseLong(m.group(1)), Files.readString(p)));
            }
            if (Files.exists(sd.resolve("truth.txt"))) truth = Files.readString(sd.resolve("truth.txt"));
        }
        samples.sort((a, b) -> Long.compare(a.step, b.step));
        Path promptFile = sd.resolve("prompt.txt"); // the trainer writes the prompt it used (the default is not in config.json)
        String prompt = Files.exists(promptFile) ? Files.readString(promptFile) : settings.getOrDefault("sample-prompt", "");
        return new Content(dir.toAbsolutePath().normalize().getFileName().toString(), summary, timings, settings, about, plots, prompt, truth, samples);
    }

    /** Nested config values (model, data) as dotted keys, so every table cell holds one short value. */
    static void flatten(String key, JsonNode v, Map<String, String> into) {
        if (v.isObject()) v.fields().forEachRemaining(e -> flatten(key + "." + e.getKey(), e.getValue(), into));
        else into.put(key, text(v));
    }

    private static String text(JsonNode v) { return v.isValueNode() ? v.asText() : v.toString(); }

    static String html(Path dir, Content c) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nanolm run ").append(esc(c.name)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}\n")
                .append("h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:1.6em}\n")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}\n")
                .append("td{overflow-wrap:anywhere}table.kv td{max-width:620px}table.samples{width:100%}th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append(".cols{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}\n")
                .append("img{max-width:100%;border:1px solid #eee;margin:8px 0}\n")
                .append("pre{margin:0;white-space:pre-wrap;font-size:13px;font-family:ui-monospace,monospace}\n")
                .append("pre.items{white-space:pre;font-size:12px}.prompt{background:#fff3c4}.truth td{background:#f1f8f1}\n</style></head><body>\n");
        b.append("<h1>Run ").append(esc(c.name)).append("</h1>\n<div class=\"cols\"><div><h2>Summary</h2>\n").append(htmlTable(c.summary))
                .append("</div><div><h2>Timings</h2>\n").append(htmlTable(c.timings)).append("</div></div>\n");
        b.append("<h2>Plots</h2>\n");
        if (c.plots.isEmpty()) b.append("<p>No plots yet.</p>\n");
        for (Path p : c.plots)
            b.append("<figure><img alt=\"").append(esc(p.getFileName().toString())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(Files.readAllBytes(p))).append("\"><figcaption>plots/")
                    .append(esc(p.getFileName().toString())).append("</figcaption></figure>\n");
        b.append("<h2>Samples over training</h2>\n");
        if (c.samples.isEmpty()) b.append("<p>No samples (line data with --eval-samples 0, or --sample-tokens 0).</p>\n");
        else {
            if (c.prompt.isEmpty() && c.truth == null) b.append(itemColumns(c.samples));
            else {
            if (c.truth == null) b.append("<p>The prompt does not occur in the text: no true continuation.</p>\n");
            b.append("<p>Same prompt and seed at every step").append(c.prompt.isEmpty() ? "" : " (prompt highlighted)").append(".</p>\n");
            b.append("<table class=\"samples\"><tr><th>step</th><th>sample</th></tr>\n");
            if (c.truth != null) b.append("<tr class=\"truth\"><th>true continuation</th><td>").append(sampleHtml(c.truth, c.prompt)).append("</td></tr>\n");
            for (Sample s : c.samples)
                b.append("<tr><th>").append(s.step).append("</th><td>").append(sampleHtml(s.text, c.prompt)).append("</td></tr>\n");
            b.append("</table>\n");
            }
        }
        b.append("<h2>Config</h2>\n<div class=\"cols\"><div><h3>Settings</h3>\n").append(htmlTable(c.settings))
                .append("</div><div><h3>Model, data, machine</h3>\n").append(htmlTable(c.about)).append("</div></div>\n");
        b.append("<p><small>Written by <code>nanolm report --run ").append(esc(dir.toString())).append("</code>.</small></p>\n</body></html>\n");
        return b.toString();
    }

    /** Line data: each step's sampled items as a column, steps side by side, at most 8 columns a table. */
    private static String itemColumns(List<Sample> samples) {
        StringBuilder b = new StringBuilder("<p>New items sampled with the same seed at every step (\"in train\": a copy of a training item).</p>\n");
        for (int from = 0; from < samples.size(); from += 8) {
            List<Sample> part = samples.subList(from, Math.min(samples.size(), from + 8));
            b.append("<table class=\"samples\"><tr>");
            for (Sample s : part) b.append("<th>step ").append(s.step).append("</th>");
            b.append("</tr>\n<tr>");
            for (Sample s : part) b.append("<td><pre class=\"items\">").append(esc(s.text.stripTrailing())).append("</pre></td>");
            b.append("</tr></table>\n");
        }
        return b.toString();
    }

    private static String sampleHtml(String text, String prompt) {
        String t = text.stripTrailing();
        if (!prompt.isEmpty() && t.startsWith(prompt))
            return "<pre><span class=\"prompt\">" + esc(prompt) + "</span>" + esc(t.substring(prompt.length())) + "</pre>";
        return "<pre>" + esc(t) + "</pre>";
    }

    private static String htmlTable(Map<String, String> m) {
        StringBuilder b = new StringBuilder("<table class=\"kv\">\n");
        for (var e : m.entrySet()) {
            boolean num = e.getValue().matches("-?[0-9.eE+-]+");
            b.append("<tr><th>").append(esc(e.getKey())).append("</th><td").append(num ? " class=\"num\"" : "").append(">")
                    .append(esc(e.getValue())).append("</td></tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String markdown(Content c) {
        StringBuilder b = new StringBuilder("# Run " + c.name + "\n\n## Summary\n\n").append(mdTable(c.summary))
                .append("\n## Timings\n\n").append(mdTable(c.timings)).append("\n## Plots\n\n");
        for (Path p : c.plots) b.append("![").append(p.getFileName()).append("](plots/").append(p.getFileName()).append(")\n\n");
        b.append("## Samples over training\n\n");
        if (c.truth != null) b.append("True continuation:\n\n```\n").append(c.truth.stripTrailing()).append("\n```\n\n");
        for (Sample s : c.samples) b.append("Step ").append(s.step).append(":\n\n```\n").append(s.text.stripTrailing()).append("\n```\n\n");
        b.append("## Config\n\n### Settings\n\n").append(mdTable(c.settings)).append("\n### Model, data, machine\n\n").append(mdTable(c.about));
        return b.toString();
    }

    private static String mdTable(Map<String, String> m) {
        StringBuilder b = new StringBuilder("| key | value |\n|---|---|\n");
        for (var e : m.entrySet()) b.append("| ").append(e.getKey()).append(" | ").append(e.getValue().replace("|", "\\|")).append(" |\n");
        return b.toString();
    }

    private RunReport() {}
}
