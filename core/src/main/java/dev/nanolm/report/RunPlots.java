// The plots of a run directory, redrawn from its files: plots/loss.{png,svg} from metrics.jsonl (the training
// loss per log interval, and the train/val estimates of each evaluation). The trainer calls update() at each
// evaluation (about 35 ms once warm). The diagnostics plots are drawn once, after the last step (DiagnosticsPlots).
package dev.nanolm.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

public final class RunPlots {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path plotsDir(Path runDir) { return runDir.resolve("plots"); }

    /**
     * Redraws the learning curves. A plot is a by-product: a failure to draw one is reported on log as a warning and
     * training goes on.
     */
    public static void update(Path runDir, PrintStream log) {
        try {
            writeLoss(runDir);
        } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
            log.println("warning: could not draw the plots in " + plotsDir(runDir) + ": " + e);
        }
    }

    /** plots/loss.png and .svg from metrics.jsonl; false when there is nothing to plot yet. */
    public static boolean writeLoss(Path runDir) throws IOException {
        List<JsonNode> rows = readJsonl(runDir.resolve("metrics.jsonl"));
        List<double[]> train = new ArrayList<>(), estTrain = new ArrayList<>(), estVal = new ArrayList<>();
        for (JsonNode r : rows) {
            if (!r.has("step")) continue;
            double step = r.get("step").asDouble();
            if (r.has("loss")) train.add(new double[] {step, r.get("loss").asDouble()});
            if (r.has("train_loss")) estTrain.add(new double[] {step, r.get("train_loss").asDouble()});
            if (r.has("val_loss")) estVal.add(new double[] {step, r.get("val_loss").asDouble()});
        }
        if (train.isEmpty() && estTrain.isEmpty() && estVal.isEmpty()) return false;
        List<Plots.Series> series = new ArrayList<>();
        if (!train.isEmpty()) series.add(series("train loss (mean per log interval)", train, Plots.Style.train(Plots.Hue.BLUE)));
        if (!estTrain.isEmpty()) series.add(series("train loss (evaluation)", estTrain, new Plots.Style(Plots.Hue.ORANGE, false, true, true)));
        if (!estVal.isEmpty()) series.add(series("val loss (evaluation)", estVal, Plots.Style.eval(Plots.Hue.ORANGE)));
        XYChart c = Plots.lines("loss: " + runDir.getFileName(), "step", "loss (log scale)", true, series);
        Plots.write(c, plotsDir(runDir).resolve("loss.png"), true);
        return true;
    }

    static Plots.Series series(String name, List<double[]> pts, Plots.Style style) {
        double[] x = new double[pts.size()], y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) { x[i] = pts.get(i)[0]; y[i] = pts.get(i)[1]; }
        return new Plots.Series(name, x, y, style);
    }

    /** The complete lines of a JSON-lines file (a last line without its newline may be half written: skipped). */
    static List<JsonNode> readJsonl(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) return out;
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isBlank()) continue;
            try {
                out.add(JSON.readTree(line));
            } catch (com.fasterxml.jackson.core.JsonProcessingException garbled) {
                // a half line a kill left behind, then appended to: the plot goes on without it
            }
        }
        return out;
    }

    private RunPlots() {}
}
