// The plots of makemore part 3 from a run's diagnostics.jsonl (see train.Diagnostics):
//   diagnostics-activations: histogram of each tanh layer's output, at step 1 (light) and the last measurement (dark);
//   diagnostics-gradients:   histogram of each weight matrix's gradient at the last measurement;
//   diagnostics-update-ratio: log10(std(update)/std(data)) of each weight matrix over the steps, with the lecture's -3 guide.
package dev.nanolm.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

public final class DiagnosticsPlots {

    /** Writes the three plots (PNG and SVG); false when the file has no complete line yet. */
    public static boolean write(Path runDir) throws IOException {
        List<JsonNode> rows = RunPlots.readJsonl(runDir.resolve("diagnostics.jsonl"));
        if (rows.isEmpty()) return false;
        Path dir = RunPlots.plotsDir(runDir);
        JsonNode first = rows.get(0), last = rows.get(rows.size() - 1);
        Plots.write(activations(first, last), dir.resolve("diagnostics-activations.png"), true);
        Plots.write(gradients(last), dir.resolve("diagnostics-gradients.png"), true);
        Plots.write(updateRatios(rows), dir.resolve("diagnostics-update-ratio.png"), true);
        return true;
    }

    static XYChart activations(JsonNode first, JsonNode last) {
        List<Plots.Series> series = new ArrayList<>();
        int hue = 0;
        for (JsonNode layer : last.path("layers")) {
            String name = layer.get("name").asText();
            Plots.Hue h = Plots.Hue.of(hue++);
            if (first != last) {
                JsonNode early = find(first.path("layers"), name);
                if (early != null) series.add(histSeries(String.format("%s, step %d: %s", name, first.get("step").asLong(), stats(early)),
                        early.get("hist"), new Plots.Style(h, true, false, true)));
            }
            series.add(histSeries(String.format("%s, step %d: %s", name, last.get("step").asLong(), stats(layer)),
                    layer.get("hist"), Plots.Style.train(h)));
        }
        if (series.isEmpty()) series.add(new Plots.Series("no tanh layer observed in this model", new double[] {-1, 1}, new double[] {0, 0}, Plots.Style.train(Plots.Hue.GREY)));
        return Plots.lines("activation distribution (tanh layers)", "tanh output", "density", false, series);
    }

    private static String stats(JsonNode layer) {
        return String.format("mean %+.2f, std %.2f, saturated %.2f%%", layer.get("mean").asDouble(), layer.get("std").asDouble(),
                100 * layer.get("saturated").asDouble());
    }

    static XYChart gradients(JsonNode last) {
        List<Plots.Series> series = new ArrayList<>();
        int hue = 0;
        for (JsonNode p : last.path("params")) {
            if (p.path("shape").size() != 2 || !p.has("grad_hist")) continue;
            String label = String.format("%s %s: std %.2e, grad:data %.2e", p.get("name").asText(), shapeText(p.get("shape")),
                    p.get("grad_std").asDouble(), p.path("grad_data_ratio").asDouble(Double.NaN));
            series.add(histSeries(label, p.get("grad_hist"), Plots.Style.train(Plots.Hue.of(hue++))));
        }
        if (series.isEmpty()) series.add(new Plots.Series("no weight matrix has a gradient", new double[] {0, 1}, new double[] {0, 0}, Plots.Style.train(Plots.Hue.GREY)));
        return Plots.lines("weight gradient distribution, step " + last.get("step").asLong(), "gradient", "density", false, series);
    }

    static XYChart updateRatios(List<JsonNode> rows) {
        Map<String, List<double[]>> byParam = new LinkedHashMap<>();
        double minStep = Double.POSITIVE_INFINITY, maxStep = Double.NEGATIVE_INFINITY;
        for (JsonNode r : rows) {
            double step = r.get("step").asDouble();
            minStep = Math.min(minStep, step);
            maxStep = Math.max(maxStep, step);
            for (JsonNode p : r.path("params")) {
                if (p.path("shape").size() != 2) continue;
                JsonNode v = p.get("update_ratio_log10");
                if (v == null || v.isNull()) continue;
                byParam.computeIfAbsent(p.get("name").asText() + " " + shapeText(p.get("shape")), k -> new ArrayList<>())
                        .add(new double[] {step, v.asDouble()});
            }
        }
        List<Plots.Series> series = new ArrayList<>();
        int hue = 0;
        for (var e : byParam.entrySet()) {
            Plots.Hue h = Plots.Hue.of(hue++);
            series.add(RunPlots.series(e.getKey(), e.getValue(), new Plots.Style(h, false, e.getValue().size() < 30, true)));
        }
        XYChart c = Plots.lines("update:data ratio of the weight matrices", "step", "log10(std(update) / std(data))", false, series);
        Plots.horizontalGuide(c, -3, "-3 (makemore part 3's rough guide)", new double[] {minStep, Math.max(maxStep, minStep + 1)});
        return c;
    }

    private static Plots.Series histSeries(String name, JsonNode hist, Plots.Style style) {
        JsonNode counts = hist.get("counts");
        long[] c = new long[counts.size()];
        for (int i = 0; i < c.length; i++) c[i] = counts.get(i).asLong();
        Plots.Histogram h = new Plots.Histogram(name, hist.get("lo").asDouble(), hist.get("hi").asDouble(), c);
        return new Plots.Series(name, h.centres(), h.density(), style);
    }

    private static JsonNode find(JsonNode arr, String name) {
        for (JsonNode n : arr) if (n.get("name").asText().equals(name)) return n;
        return null;
    }

    private static String shapeText(JsonNode shape) {
        List<String> dims = new ArrayList<>();
        for (JsonNode d : shape) dims.add(d.asText());
        return "(" + String.join("x", dims) + ")";
    }

    private DiagnosticsPlots() {}
}
