// Training progress: a one-line bar with ETA, loss and tokens/s redrawn in place when stdout is a terminal
// (nothing otherwise: the trainer's log lines are the plain record), or handed to a listener (the sweep's console).
package dev.nanolm.train;

import java.io.PrintStream;
import java.util.function.Consumer;

public final class Progress {
    /** Where a run stands: steps done of total, the last step's loss, tokens per second so far, seconds left. */
    public record Snapshot(long step, long total, double loss, double tokensPerS, double etaS) {
        public String bar(int width) {
            int done = (int) Math.min(width, width * step / Math.max(1, total));
            return "[" + "=".repeat(done) + " ".repeat(width - done) + "] " + step + "/" + total
                    + String.format(" loss %.4f %s tok/s eta %s", loss, compact(tokensPerS), hms(etaS));
        }
    }

    private final PrintStream out;
    private final boolean enabled;
    private final Consumer<Snapshot> listener;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintStream out, boolean enabled, Consumer<Snapshot> listener) {
        this.out = out;
        this.enabled = enabled;
        this.listener = listener;
    }

    /** A bar on out when the JVM is attached to a terminal (and not CI or TERM=dumb); silent otherwise. */
    public static Progress forConsole(PrintStream out) { return new Progress(out, isTerminal(), null); }

    /** Every update goes to listener (at most 5 a second, and the last step); nothing is drawn here. */
    public static Progress to(Consumer<Snapshot> listener) { return new Progress(null, true, listener); }

    public static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM")) && System.getenv("CI") == null;
    }

    /** stepsTimed steps took elapsedS seconds and trained tokensPerStep tokens each. */
    public void update(long step, long total, double loss, double elapsedS, int stepsTimed, long tokensPerStep) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && step < total) return;
        lastDraw = now;
        double perStep = stepsTimed > 0 ? elapsedS / stepsTimed : 0;
        Snapshot s = new Snapshot(step, total, loss, perStep > 0 ? tokensPerStep / perStep : 0, perStep * (total - step));
        if (listener != null) { listener.accept(s); return; }
        out.print("\r" + s.bar(30) + " ");
        out.flush();
        drawn = true;
    }

    /** Erases the bar so that a log line can be printed on a clean line. */
    public void clear() {
        if (enabled && drawn) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
            drawn = false;
        }
    }

    public static String hms(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }

    /** 950, 12.3k, 1.2M: a rate that fits a progress line. */
    static String compact(double v) {
        if (v >= 1e6) return String.format("%.1fM", v / 1e6);
        if (v >= 1e4) return String.format("%.0fk", v / 1e3);
        if (v >= 1e3) return String.format("%.1fk", v / 1e3);
        return String.format("%.0f", v);
    }
}
