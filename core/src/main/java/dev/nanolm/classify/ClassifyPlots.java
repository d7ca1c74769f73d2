// plots/accuracy.png and plots/loss.png of a classifier run from its metrics.jsonl: train dark, test light.
package dev.nanolm.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.report.Plots;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class ClassifyPlots {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Redraws both plots; a plot is a by-product, so a failure is a warning on log and training goes on. */
    public static void update(Path runDir, PrintStream log) {
        try {
            List<JsonNode> rows = new ArrayList<>();
            Path m = runDir.resolve("metrics.jsonl");
            if (!Files.exists(m)) return;
            String text = Files.readString(m, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) return;
            for (String line : text.substring(0, end).split("\n"))
                if (!line.isBlank()) try { rows.add(JSON.readTree(line)); } catch (IOException torn) { /* a kill's half line */ }
            plot(runDir, rows, "accuracy", "accuracy", false);
            plot(runDir, rows, "loss", "cross-entropy loss", false);
        } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
            log.println("warning: could not draw the plots in " + runDir.resolve("plots") + ": " + e);
        }
    }

    private static void plot(Path runDir, List<JsonNode> rows, String what, String yLabel, boolean logY) throws IOException {
        List<Plots.Series> series = new ArrayList<>();
        String[][] keys = {{"train_" + what, "train (running mean over the training batches)"},
                {"test_" + what, "test (full test set)"}, {"sample_" + what, "test sample (5,000 drawn with replacement, seed 42)"}};
        Plots.Style[] styles = {Plots.Style.train(Plots.Hue.BLUE), Plots.Style.eval(Plots.Hue.BLUE), Plots.Style.eval(Plots.Hue.ORANGE)};
        for (int k = 0; k < keys.length; k++) {
            List<double[]> pts = new ArrayList<>();
            for (JsonNode r : rows) if (r.has("epoch") && r.has(keys[k][0])) pts.add(new double[] {r.get("epoch").asDouble(), r.get(keys[k][0]).asDouble()});
            if (pts.isEmpty()) continue;
            double[] x = new double[pts.size()], y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) { x[i] = pts.get(i)[0]; y[i] = pts.get(i)[1]; }
            series.add(new Plots.Series(keys[k][1], x, y, styles[k]));
        }
        if (series.isEmpty()) return;
        var c = Plots.lines(what + ": " + runDir.getFileName(), "epoch", yLabel, logY, series);
        // accuracy rises to the top right, loss falls to the bottom right: keep the legend off the curves' ends
        c.getStyler().setLegendPosition(what.equals("accuracy") ? org.knowm.xchart.style.Styler.LegendPosition.InsideSE
                : org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        Plots.write(c, runDir.resolve("plots").resolve(what + ".png"), false);
    }

    private ClassifyPlots() {}
}
