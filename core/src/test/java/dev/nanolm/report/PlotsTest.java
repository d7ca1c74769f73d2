// The plot API draws real PNGs (and SVGs) headless: decodable, the right size, not blank, series in their colours.
package dev.nanolm.report;

import static dev.nanolm.report.PngCheck.assertDrawnPng;
import static dev.nanolm.report.PngCheck.pixelsNear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }

    @Test
    void lineChartWithTrainAndEvalShadesIsDrawnHeadless(@TempDir Path tmp) throws Exception {
        int n = 200;
        double[] x = range(n), train = new double[n], val = new double[n];
        for (int i = 0; i < n; i++) { train[i] = 3.3 * Math.exp(-i / 50.0) + 2; val[i] = train[i] + 0.1; }
        var c = Plots.lines("loss", "step", "loss", true, List.of(
                new Plots.Series("train", x, train, Plots.Style.train(Plots.Hue.RED)),
                new Plots.Series("val", x, val, Plots.Style.eval(Plots.Hue.RED))));
        Path png = tmp.resolve("sub/loss.png");
        Plots.write(c, png, true);
        assertTrue(GraphicsEnvironment.isHeadless(), "plots must render headless");
        BufferedImage img = assertDrawnPng(png, Plots.WIDTH, Plots.HEIGHT);
        // both shades of the hue are on the picture
        assertTrue(pixelsNear(img, Plots.Hue.RED.dark, 10) > 200, "dark (train) series missing");
        assertTrue(pixelsNear(img, Plots.Hue.RED.light, 10) > 200, "light (eval) series missing");
        String svg = Files.readString(tmp.resolve("sub/loss.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("</svg>"), svg.substring(0, Math.min(200, svg.length())));
        // atomic writes leave no temp files behind
        try (var s = Files.list(tmp.resolve("sub"))) { assertEquals(2, s.count()); }
    }

    @Test
    void scatterWithLabelsAndHistogramLines(@TempDir Path tmp) throws Exception {
        double[] x = {0, 1, 2, -1}, y = {0, 1, -1, 2};
        Plots.write(Plots.scatter("emb", "a", "b", x, y, new String[] {".", "a", "b", "c"}, Plots.Hue.BLUE), tmp.resolve("s.png"), false);
        BufferedImage img = assertDrawnPng(tmp.resolve("s.png"), Plots.WIDTH, Plots.HEIGHT);
        assertTrue(pixelsNear(img, Plots.Hue.BLUE.light, 6) > 500, "markers missing");
        assertFalse(Files.exists(tmp.resolve("s.svg")));

        float[] g = new float[5000];
        var rng = new java.util.Random(1);
        for (int i = 0; i < g.length; i++) g[i] = (float) rng.nextGaussian();
        Plots.Histogram h = Plots.Histogram.of("normal", g, 40, -4, 4);
        double area = 0;
        for (double d : h.density()) area += d * 8.0 / 40;
        assertEquals(1.0, area, 1e-3, "densities integrate to 1 (nothing outside [-4, 4] here)");
        Plots.write(Plots.histogramLines("h", "value", List.of(h)), tmp.resolve("h.png"), true);
        assertDrawnPng(tmp.resolve("h.png"), Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void rejectsMismatchedSeriesAndNonPngNames(@TempDir Path tmp) {
        assertThrows(IllegalArgumentException.class, () -> new Plots.Series("s", new double[2], new double[3], Plots.Style.train(Plots.Hue.BLUE)));
        var c = Plots.lines("t", "x", "y", false, List.of(new Plots.Series("s", range(3), range(3), Plots.Style.train(Plots.Hue.BLUE))));
        assertThrows(IllegalArgumentException.class, () -> Plots.write(c, tmp.resolve("x.jpg"), false));
    }
}
