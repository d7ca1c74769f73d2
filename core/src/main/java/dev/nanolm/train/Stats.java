// Small statistics for run summaries.
package dev.nanolm.train;

import java.util.Arrays;
import java.util.List;

public final class Stats {
    public static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** Six decimals: what run files (summary.json, metrics.jsonl) keep of a loss or a time. */
    public static double round(double v) { return Math.round(v * 1e6) / 1e6; }

    private Stats() {}
}
