// `nanolm sweep`: trains a grid of runs (every combination, or one key at a time) from a preset into DIR/<run>,
// resumably, K at a time, then writes DIR/sweep.md, sweep.csv and sweep.png.
package dev.nanolm.cli;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.report.SweepReport;
import dev.nanolm.train.Progress;
import dev.nanolm.train.Sweep;
import dev.nanolm.train.SweepConsole;
import dev.nanolm.train.SweepPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a grid of runs into DIR/<run> (each a `train` run directory plus train.log), then write",
                "DIR/sweep.md, sweep.csv and sweep.png. Re-running the same command skips finished runs and resumes",
                "interrupted ones from their last checkpoint. Any other --key value applies to every run."})
public final class SweepCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "the bundled preset every run starts from")
    String preset;

    @Option(names = "--data", paramLabel = "NAME|PATH", description = "dataset for every run")
    String data;

    @Option(names = "--grid", paramLabel = "KEY=V1,V2,...", required = true,
            description = "a setting and its values (repeatable: every combination is run)")
    List<String> grid = new ArrayList<>();

    @Option(names = "--one-at-a-time", description = "vary one grid key at a time, the others as the preset")
    boolean oneAtATime;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "run each point N times, seed +1 each (<run>-r2, ...)")
    int repeat;

    @Option(names = "--parallel", paramLabel = "K", defaultValue = "1", description = "runs at once; each gets max(1, cores / K) threads")
    int parallel;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "the sweep directory")
    Path out;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Unmatched List<String> overrides = new ArrayList<>();

    @Override public Integer call() throws IOException {
        if (parallel < 1) throw new ConfigException("--parallel must be at least 1, got " + parallel, "use --parallel 1");
        // a classifier preset (it counts epochs, e.g. agnews-gru) sweeps `classify train` runs
        boolean classify = preset != null && dev.nanolm.config.Presets.load(preset).values().containsKey("epochs");
        Settings base = classify ? ClassifyCommand.settings(preset, data, overrides) : TrainCommand.resolveSettings(preset, data, overrides);
        List<SweepPlan.Grid> grids = new ArrayList<>();
        for (String g : grid) grids.add(SweepPlan.parseGrid(g));
        Set<String> explicit = new HashSet<>(TrainCommand.parseOverrides(ClassifyCommand.unalias(overrides)).keySet());
        for (var g : grids) explicit.add(g.key());
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        if (parallel > 1 && explicit.contains("threads"))
            throw new ConfigException("--parallel " + parallel + " sets every run's threads (" + threads + ")",
                    "drop --threads (or the grid over it), or use --parallel 1");
        List<SweepPlan.RunSpec> runs = SweepPlan.plan(base, grids, oneAtATime, repeat);
        String curves = null;
        for (var r : runs) {
            if (parallel > 1) r.settings().set("threads", Integer.toString(threads));
            if (classify) { dev.nanolm.classify.ClassifyTrainer.check(r.settings()); continue; }
            String c = SweepPlan.curves(r.settings(), explicit);
            if (c != null) curves = c;
            TrainCommand.check(r.settings()); // every run's settings, before anything trains
        }
        var console = new SweepConsole(spec.commandLine().getOut(), Progress.isTerminal());
        // an interrupted classifier run resumes from its last checkpoint too
        Sweep.Runner runner = classify ? (s, dir, resume, log, progress) -> ClassifyCommand.trainInto(s, dir, resume, true, log)
                : (s, dir, resume, log, progress) -> TrainCommand.trainInto(s, dir, resume, log, progress);
        Sweep sweep = new Sweep(out, runs, parallel, runner, console);
        int finished = 0, resumed = 0;
        for (var r : runs) {
            Sweep.State st = sweep.state(r); // refuses a directory trained with other settings, before anything runs
            if (st == Sweep.State.FINISHED) finished++;
            if (st == Sweep.State.RESUME) resumed++;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new DataException("cannot create the sweep directory " + out + " (" + e.getMessage() + ")", "choose a writable --out DIR");
        }
        console.line(String.format("sweep %s: %d runs (%d finished, %d to resume, %d to start), %d at a time%s%s", out, runs.size(),
                finished, resumed, runs.size() - finished - resumed, parallel, parallel > 1 ? ", " + threads + " threads each" : "",
                curves == null ? "" : "; for learning curves every run uses " + curves));

        List<Sweep.Outcome> outcomes = sweep.run();
        List<SweepReport.Entry> entries = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (var o : outcomes) {
            entries.add(new SweepReport.Entry(o.spec().name(), new LinkedHashMap<>(o.spec().varied()), o.error() == null ? "ok" : "failed"));
            if (o.error() != null) failed.add(o.spec().name() + " (" + o.error() + ")");
        }
        String best = SweepReport.write(out, entries, description());
        console.line("wrote " + out.resolve("sweep.md") + ", sweep.csv, sweep.png" + (best == null ? "" : "; best run: " + best));
        if (!failed.isEmpty())
            throw new DataException(failed.size() + " of " + runs.size() + " runs failed: " + String.join("; ", failed),
                    "see train.log in each failed run's directory; re-running the same command retries them");
        return 0;
    }

    /** The command that made the sweep, for sweep.md. */
    private String description() {
        StringBuilder sb = new StringBuilder("`nanolm sweep");
        if (preset != null) sb.append(" --preset ").append(preset);
        if (data != null) sb.append(" --data ").append(data);
        for (String g : grid) sb.append(" --grid ").append(g);
        if (oneAtATime) sb.append(" --one-at-a-time");
        if (repeat > 1) sb.append(" --repeat ").append(repeat);
        if (parallel > 1) sb.append(" --parallel ").append(parallel);
        for (String o : overrides) sb.append(' ').append(o);
        return sb.append("`").toString();
    }

}
