// Plots for run reports and training aids, drawn by XChart headless (no display needed): line charts with named
// series (optionally log-y), scatter with a text label at each point, histograms drawn as lines; written as PNG
// and SVG, each atomically. Style: a train series is the dark shade of a hue, an eval series the light one.
package dev.nanolm.report;

import dev.nanolm.checkpoint.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

public final class Plots {
    static {
        // before any AWT class loads: render into images only, never open a window (works with no display)
        System.setProperty("java.awt.headless", "true");
    }

    /** Makes sure the headless property is set (running this class's static block); call before any AWT use. */
    static void headless() {}

    public static final int WIDTH = 900, WIDE_WIDTH = 1300, HEIGHT = 560;

    /** A hue's dark shade (train series) and light shade (eval series of the same quantity). */
    public enum Hue {
        BLUE(0x1f4e9c, 0x8fb4e8),
        ORANGE(0xb35400, 0xf5b77a),
        GREEN(0x1b7a3a, 0x8fd6a3),
        RED(0xa8201a, 0xf09a94),
        PURPLE(0x5b2a86, 0xc2a3e0),
        BROWN(0x6d4c2f, 0xc9a98a),
        TEAL(0x0e6f73, 0x86cfd1),
        GREY(0x404040, 0xb0b0b0);

        public final Color dark, light;

        Hue(int dark, int light) {
            headless(); // java.awt.Color's first use fixes headless or not: Plots' static block must run before it
            this.dark = new Color(dark);
            this.light = new Color(light);
        }

        /** The i-th hue, cycling. */
        public static Hue of(int i) { return values()[Math.floorMod(i, values().length)]; }
    }

    /** How a series is drawn: the hue, its light (eval) or dark (train) shade, markers at the points, line or not. */
    public record Style(Hue hue, boolean light, boolean markers, boolean line) {
        public static Style train(Hue h) { return new Style(h, false, false, true); }
        public static Style eval(Hue h) { return new Style(h, true, true, true); }
        public Color color() { return light ? hue.light : hue.dark; }
    }

    /** A named series of points. x and y have the same length. */
    public record Series(String name, double[] x, double[] y, Style style) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
        }
    }

    /** More series than this and the legend moves to the right of the plot (which then gets wider), off the lines. */
    static final int LEGEND_INSIDE_MAX = 6;

    /**
     * A line chart of the given series; logY asks for a logarithmic y axis (ignored when a y value is not positive).
     * WIDTH x HEIGHT, or WIDE_WIDTH x HEIGHT with the legend outside when there are many series.
     */
    public static XYChart lines(String title, String xLabel, String yLabel, boolean logY, List<Series> series) {
        boolean many = series.size() > LEGEND_INSIDE_MAX;
        XYChart c = base(title, xLabel, yLabel, many ? WIDE_WIDTH : WIDTH);
        if (many) c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        boolean positive = true;
        for (Series s : series) for (double v : s.y()) if (!(v > 0) && Double.isFinite(v)) positive = false;
        if (logY && positive) {
            c.getStyler().setYAxisLogarithmic(true);
            c.getStyler().setYAxisLogarithmicDecadeOnly(false);
        }
        for (Series s : series) add(c, s);
        return c;
    }

    /** Points with a text label beside each (embeddings: one character per point). */
    public static XYChart scatter(String title, String xLabel, String yLabel, double[] x, double[] y, String[] labels, Hue hue) {
        if (x.length != y.length || x.length != labels.length) throw new IllegalArgumentException("scatter needs as many labels as points");
        XYChart c = base(title, xLabel, yLabel, WIDTH);
        c.getStyler().setLegendVisible(false);
        XYSeries s = c.addSeries("points", x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(hue.light);
        c.getStyler().setMarkerSize(22);
        c.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        c.getStyler().setAnnotationTextFontColor(hue.dark);
        // a margin so the labels at the edges stay inside the plot
        double[] xr = range(x), yr = range(y);
        double mx = Math.max(1e-6, (xr[1] - xr[0]) * 0.06), my = Math.max(1e-6, (yr[1] - yr[0]) * 0.06);
        c.getStyler().setXAxisMin(xr[0] - mx).setXAxisMax(xr[1] + mx);
        c.getStyler().setYAxisMin(yr[0] - my).setYAxisMax(yr[1] + my);
        for (int i = 0; i < x.length; i++) c.addAnnotation(new AnnotationText(labels[i], x[i], y[i], false));
        return c;
    }

    /** A histogram as a line: bin centres against density (counts / (total * bin width)), as makemore part 3 draws them. */
    public record Histogram(String name, double lo, double hi, long[] counts) {
        public static Histogram of(String name, float[] values, int bins, double lo, double hi) {
            long[] counts = new long[bins];
            double w = (hi - lo) / bins;
            for (float v : values) {
                if (!(v >= lo && v <= hi) || w <= 0) continue;
                counts[Math.min(bins - 1, (int) ((v - lo) / w))]++;
            }
            return new Histogram(name, lo, hi, counts);
        }

        public double[] centres() {
            double w = (hi - lo) / counts.length;
            double[] c = new double[counts.length];
            for (int i = 0; i < c.length; i++) c[i] = lo + (i + 0.5) * w;
            return c;
        }

        public double[] density() {
            long total = 0;
            for (long n : counts) total += n;
            double w = (hi - lo) / counts.length;
            double[] d = new double[counts.length];
            for (int i = 0; i < d.length; i++) d[i] = total == 0 || w <= 0 ? 0 : counts[i] / (total * w);
            return d;
        }
    }

    /** One line per histogram, each in its own hue (dark shade). */
    public static XYChart histogramLines(String title, String xLabel, List<Histogram> hists) {
        XYChart c = base(title, xLabel, "density", hists.size() > LEGEND_INSIDE_MAX ? WIDE_WIDTH : WIDTH);
        if (hists.size() > LEGEND_INSIDE_MAX) c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        int i = 0;
        for (Histogram h : hists) add(c, new Series(h.name(), h.centres(), h.density(), Style.train(Hue.of(i++))));
        return c;
    }

    /** A dashed horizontal guide line at y (e.g. the lecture's -3 for update-to-data ratios), labelled. */
    public static void horizontalGuide(XYChart c, double y, String label, double[] xRange) {
        add(c, new Series(label, new double[] {xRange[0], xRange[1]}, new double[] {y, y}, Style.train(Hue.GREY)));
        XYSeries s = c.getSeriesMap().get(label);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }

    /** A vertical line at x (drawn across the plot). */
    public static void verticalLine(XYChart c, double x) {
        c.addAnnotation(new AnnotationLine(x, true, false));
    }

    /** Writes base + ".png" and, with svg, base + ".svg"; each atomically (a reader never sees half a file). */
    public static void write(XYChart c, Path png, boolean svg) throws IOException {
        String name = png.getFileName().toString();
        if (!name.endsWith(".png")) throw new IllegalArgumentException("plot file must end in .png: " + png);
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG));
        if (svg) {
            Path s = png.resolveSibling(name.substring(0, name.length() - 4) + ".svg");
            AtomicFiles.write(s, out -> VectorGraphicsEncoder.saveVectorGraphic(c, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        }
    }

    /** Charts side by side in one PNG (e.g. the same curves by step and by time), written atomically. */
    public static void writePanels(Path png, List<XYChart> charts) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        for (XYChart c : charts) images.add(BitmapEncoder.getBufferedImage(c));
        int w = 0, h = 0;
        for (BufferedImage i : images) { w += i.getWidth(); h = Math.max(h, i.getHeight()); }
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage i : images) { g.drawImage(i, x, 0, null); x += i.getWidth(); }
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(all, "png", out));
    }

    private static XYChart base(String title, String xLabel, String yLabel, int width) {
        XYChart c = new XYChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = c.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(0xbbbbbb));
        st.setPlotGridLinesColor(new Color(0xe6e6e6));
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendBorderColor(new Color(0xcccccc));
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        st.setChartTitleBoxVisible(false);
        st.setMarkerSize(6);
        st.setAntiAlias(true);
        return c;
    }

    private static void add(XYChart c, Series s) {
        double[] x = s.x(), y = s.y();
        if (x.length == 0) return; // XChart refuses an empty series; the chart just lacks it
        XYSeries xs = c.addSeries(s.name(), x, y);
        Style st = s.style();
        xs.setXYSeriesRenderStyle(st.line() ? XYSeries.XYSeriesRenderStyle.Line : XYSeries.XYSeriesRenderStyle.Scatter);
        xs.setLineColor(st.color());
        xs.setLineWidth(st.light() ? 2.2f : 1.6f);
        xs.setMarker(st.markers() || !st.line() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        xs.setMarkerColor(st.color());
    }

    static double[] range(double[] v) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double d : v) if (Double.isFinite(d)) { lo = Math.min(lo, d); hi = Math.max(hi, d); }
        if (lo > hi) return new double[] {0, 1};
        return new double[] {lo, hi};
    }

    private Plots() {}
}
