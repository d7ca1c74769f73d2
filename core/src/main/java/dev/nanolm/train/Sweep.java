// Runs a sweep's runs, each in its own directory under the sweep's, resumably: a run whose marker (sweep-done.json)
// records the same settings is skipped, one with a checkpoint resumes from it, any other starts afresh.
// K runs at once share this JVM (see run()); each logs to <run>/train.log, the console gets one line per event.
package dev.nanolm.train;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public final class Sweep {
    /** What trains one run: `train` today; a classifier's command later. Throws on failure. */
    @FunctionalInterface
    public interface Runner {
        Map<String, Object> train(Settings settings, Path dir, boolean resume, PrintStream log, Progress progress);
    }

    public enum State { FINISHED, RESUME, START }

    /** How a run ended in this session: its state before, and an error message if it failed (null if not). */
    public record Outcome(SweepPlan.RunSpec spec, State state, String error) {}

    /** Settings that do not change what a run learns: a run made with other values of these may still be resumed. */
    static final Set<String> NOT_LEARNING = Set.of("max-iters", "threads", "eval-interval", "log-interval", "eval-iters",
            "eval-samples", "sample-tokens", "sample-prompt", "diagnostics", "diagnostics-interval", "always-save-checkpoint",
            "skip-nonfinite", "eval-only");

    public static final String MARKER = "sweep-done.json";

    private final Path out;
    private final List<SweepPlan.RunSpec> runs;
    private final int parallel;
    private final Runner runner;
    private final SweepConsole console;

    public Sweep(Path out, List<SweepPlan.RunSpec> runs, int parallel, Runner runner, SweepConsole console) {
        this.out = out;
        this.runs = runs;
        this.parallel = parallel;
        this.runner = runner;
        this.console = console;
    }

    public Path dir(SweepPlan.RunSpec r) { return out.resolve(r.name()); }

    /**
     * Where a run stands. A directory trained with different learning settings is refused (ConfigException), so a
     * changed sweep never resumes someone else's checkpoint; a larger --max-iters extends a finished run.
     */
    public State state(SweepPlan.RunSpec r) {
        RunDir run = new RunDir(dir(r));
        Path marker = run.dir.resolve(MARKER);
        if (Files.exists(run.config())) {
            @SuppressWarnings("unchecked")
            Map<String, String> saved = (Map<String, String>) run.readJson(run.config()).get("settings");
            for (var e : r.settings().asMap().entrySet()) {
                String was = saved == null ? null : saved.get(e.getKey());
                if (NOT_LEARNING.contains(e.getKey()) || e.getValue().equals(was)) continue;
                if (e.getKey().equals("block-size") && e.getValue().equals("0")) continue; // resolved from the data
                throw new ConfigException(run.dir + " was trained with --" + e.getKey() + " " + was + ", this sweep asks for " + e.getValue(),
                        "use another --out, or delete " + run.dir + " to train that run again");
            }
        }
        if (Files.exists(marker) && r.settings().asMap().equals(run.readJson(marker).get("settings"))) return State.FINISHED;
        return Files.exists(run.lastCheckpoint()) ? State.RESUME : State.START;
    }

    /**
     * Runs what is not finished, `parallel` at a time, and returns every run's outcome (finished ones included).
     * Concurrent runs share this JVM. That is safe because every engine state is per thread (tape, arena, kernel
     * scratch) except kernels.Parallel's one worker pool: with K > 1 every run gets the same thread count (the caller
     * sets threads = cores / K for all), so Parallel.setThreads is a no-op after the first run, and a run that finds
     * the workers busy with another run runs the same chunks itself, one after another: the same results as alone,
     * with the cores shared. (Child JVMs would isolate runs too, but each would warm up its JIT again, and a killed
     * sweep would leave them running on, writing into directories the next sweep resumes.)
     */
    public List<Outcome> run() {
        List<State> states = new ArrayList<>();
        for (var r : runs) states.add(state(r));
        ExecutorService pool = Executors.newFixedThreadPool(parallel, task -> {
            Thread t = new Thread(task, "sweep-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                int idx = i;
                futures.add(pool.submit(() -> runOne(idx, runs.get(idx), states.get(idx))));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (var f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (Exception e) {
                    throw new IllegalStateException("sweep run failed unexpectedly", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private Outcome runOne(int idx, SweepPlan.RunSpec r, State state) {
        String tag = "[" + (idx + 1) + "/" + runs.size() + "] " + r.name();
        if (state == State.FINISHED) {
            console.line(tag + ": finished earlier, skipped");
            return new Outcome(r, state, null);
        }
        RunDir run = new RunDir(dir(r));
        if (state == State.START && run.hasRun()) run.clear(); // an attempt that died before its first checkpoint
        run.create();
        Path logFile = run.dir.resolve("train.log");
        long t0 = System.nanoTime();
        try (PrintStream log = new PrintStream(append(logFile), true, StandardCharsets.UTF_8)) {
            log.printf("== %s: %s%n", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                    state == State.RESUME ? "sweep resumes this run" : "sweep starts this run");
            console.line(tag + ": " + (state == State.RESUME ? "resuming from its last checkpoint" : "started") + " (log: " + logFile + ")");
            try {
                // a copy: the runner may resolve settings (block-size 0 from the data), the marker keeps them as planned
                Map<String, Object> s = runner.train(Settings.fromMap(r.settings().asMap()), run.dir, state == State.RESUME, log,
                        Progress.to(p -> console.progress(r.name(), p)));
                Map<String, Object> marker = new LinkedHashMap<>();
                marker.put("settings", r.settings().asMap());
                marker.put("finished", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
                run.writeJson(run.dir.resolve(MARKER), marker);
                if (s.containsKey("best_test_accuracy")) // a classifier
                    console.done(r.name(), String.format("%s: done in %.1f s, best test accuracy %s at epoch %s, final %s", tag,
                            (System.nanoTime() - t0) / 1e9, fmt(s.get("best_test_accuracy")), s.get("best_epoch"), fmt(s.get("test_accuracy"))));
                else console.done(r.name(), String.format("%s: done in %.1f s, best val %s at step %s, final train %s, val %s", tag,
                        (System.nanoTime() - t0) / 1e9, fmt(s.get("best_val_loss")), s.get("best_step"),
                        fmt(s.get("final_train_loss")), fmt(s.get("final_val_loss"))));
                return new Outcome(r, state, null);
            } catch (RuntimeException | Error e) {
                String msg = e.getMessage() != null ? e.getMessage() : e.toString();
                log.println("error: " + msg);
                e.printStackTrace(log); // the log file is for diagnosis; the console gets one line
                console.done(r.name(), tag + ": failed: " + msg);
                return new Outcome(r, state, msg);
            }
        }
    }

    private static OutputStream append(Path f) {
        try {
            return Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + f, e);
        }
    }

    static String fmt(Object v) { return v instanceof Number n ? String.format("%.4f", n.doubleValue()) : "-"; }
}
