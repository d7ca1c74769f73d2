// Small statistics for run summaries.
package dev.nanolm.train;

import java.util.Arrays;
import java.util.List;

public final class Stats {
    public static double median(List<Double> xs) {
        return median(xs.stream().mapToDouble(Double::doubleValue).toArray(), xs.size());
    }

    /** Median of xs[0, n) (xs is not changed). */
    public static double median(double[] xs, int n) {
        double[] a = Arrays.copyOf(xs, n);
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** A growing series of doubles without boxing: a training step adds its time and allocates nothing. */
    public static final class Series {
        private double[] xs;
        private int n;

        /** expected: how many values are likely (capacity; it grows beyond). */
        public Series(long expected) { xs = new double[(int) Math.max(16, Math.min(expected, 1 << 20))]; }

        public void add(double x) {
            if (n == xs.length) xs = Arrays.copyOf(xs, 2 * n);
            xs[n++] = x;
        }

        public int size() { return n; }

        public boolean isEmpty() { return n == 0; }

        public double median() { return Stats.median(xs, n); }
    }

    /** Six decimals: what run files (summary.json, metrics.jsonl) keep of a loss or a time. */
    public static double round(double v) { return Math.round(v * 1e6) / 1e6; }

    private Stats() {}
}
