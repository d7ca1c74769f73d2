// A sweep's console: one plain line per run event (started, resumed, skipped, done, failed) and, on a terminal,
// one live line beneath them with the progress of every run in flight. Called from the runs' threads.
package dev.nanolm.train;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

public final class SweepConsole {
    private final PrintWriter out;
    private final boolean live;
    private final Map<String, Progress.Snapshot> active = new LinkedHashMap<>();
    private long lastDraw;
    private int drawnWidth;

    public SweepConsole(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    public synchronized void line(String s) {
        erase();
        out.println(s);
        out.flush();
        draw();
    }

    /** A run's latest progress; redrawn at most 5 times a second. */
    public synchronized void progress(String run, Progress.Snapshot p) {
        if (!live) return;
        active.put(run, p);
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) return;
        lastDraw = now;
        erase();
        draw();
    }

    /** A run ended (done or failed): its line, and it leaves the live line. */
    public synchronized void done(String run, String s) {
        active.remove(run);
        line(s);
    }

    private void draw() {
        if (!live || active.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        boolean one = active.size() == 1;
        for (var e : active.entrySet()) {
            if (sb.length() > 0) sb.append(" | ");
            Progress.Snapshot p = e.getValue();
            // one run: the full bar; several: a compact entry each
            sb.append(e.getKey()).append(' ').append(one ? p.bar(24)
                    : String.format("%d/%d loss %.3f eta %s", p.step(), p.total(), p.loss(), Progress.hms(p.etaS())));
        }
        String s = sb.length() > 150 ? sb.substring(0, 150) : sb.toString();
        out.print("\r" + s);
        out.flush();
        drawnWidth = s.length();
    }

    private void erase() {
        if (drawnWidth == 0) return;
        out.print("\r" + " ".repeat(drawnWidth) + "\r");
        drawnWidth = 0;
    }
}
