// A one-line progress bar with ETA and loss, drawn only when stdout is a terminal (plain log lines otherwise).
package dev.nanolm.train;

import java.io.PrintStream;

public final class Progress {
    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    public static Progress forConsole(PrintStream out) {
        return new Progress(out, System.console() != null && !"dumb".equals(System.getenv("TERM")) && System.getenv("CI") == null);
    }

    public void update(long step, long total, double loss, double elapsedS, int stepsTimed) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && step < total) return;
        lastDraw = now;
        int width = 30, done = (int) (width * step / Math.max(1, total));
        double eta = stepsTimed > 0 ? elapsedS / stepsTimed * (total - step) : 0;
        out.printf("\r[%s%s] %d/%d loss %.4f eta %s ", "=".repeat(done), " ".repeat(width - done), step, total, loss, hms(eta));
        out.flush();
        drawn = true;
    }

    public void clear() {
        if (enabled && drawn) {
            out.print("\r" + " ".repeat(90) + "\r");
            out.flush();
            drawn = false;
        }
    }

    static String hms(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
