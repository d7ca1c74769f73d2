// The learning-rate search's schedule and smoothing, and its suggestion on names-mlp (the lecture's 0.1).
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.data.LineData;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.TextFiles;
import dev.nanolm.testing.TestData;
import org.junit.jupiter.api.Test;

class LrFinderTest {
    @Test
    void learningRatesAreExponentiallySpaced() {
        assertEquals(0.001, LrFinder.lrAt(0, 1000, 1e-3, 1), 1e-12);
        assertEquals(1.0, LrFinder.lrAt(999, 1000, 1e-3, 1), 1e-12);
        // equal ratios between neighbours: lre is linspace(-3, 0, n)
        double r1 = LrFinder.lrAt(1, 1000, 1e-3, 1) / LrFinder.lrAt(0, 1000, 1e-3, 1);
        double r2 = LrFinder.lrAt(600, 1000, 1e-3, 1) / LrFinder.lrAt(599, 1000, 1e-3, 1);
        assertEquals(r1, r2, 1e-9);
        assertEquals(Math.pow(10, 3.0 / 999), r1, 1e-9);
    }

    @Test
    void movingAverageIsCentredAndLeavesTheEndsOut() {
        double[] s = LrFinder.smooth(new double[] {1, 2, 3, 4, 5, 6, 7}, 3);
        assertTrue(Double.isNaN(s[0]) && Double.isNaN(s[6]));
        for (int i = 1; i < 6; i++) assertEquals(i + 1, s[i], 1e-12, "a centred average of a line is the line (no lag)");
    }

    @Test
    void suggestsAboutTheLecturesRateOnNamesMlp() {
        Settings s = Settings.defaults().setAll(Presets.load("names-mlp").values());
        String text = TextFiles.readUtf8(TestData.file("names.txt"));
        LineData data = new LineData(LineDataset.fromText(text, s.longValue("split-seed"), "names"), s.integer("block-size"));
        LrFinder.Result r = LrFinder.run(s, data, 1000, 1e-3, 1, null);
        assertEquals(1000, r.lrs().length);
        assertTrue(r.valleyFrom() <= r.best() && r.best() <= r.valleyTo());
        // the lecture reads 0.1 off this curve; the valley's middle lands within a factor 1.5 of it
        assertTrue(r.suggested() > 0.1 / 1.5 && r.suggested() < 0.1 * 1.5, "suggested " + r.suggested());
    }
}
