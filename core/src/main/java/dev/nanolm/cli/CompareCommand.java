// `nanolm compare RUN...`: finished language-model runs side by side. For each run it evaluates the whole val split
// (as `eval`), times the generation of N tokens, and reads summary.json; the table goes to stdout, and compare.md,
// compare.csv and compare-val-loss.png into --out (report/Comparison).
package dev.nanolm.cli;

import dev.nanolm.config.ConfigException;
import dev.nanolm.data.LmData;
import dev.nanolm.eval.LossEval;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.report.Comparison;
import dev.nanolm.sample.Sampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.train.Stats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare finished runs: model, parameters, tokenizer, steps, final train",
                "and val loss, the whole val split's loss, perplexity and bits per character,",
                "the time to generate N tokens, tokens/s and training time. The Markdown",
                "table goes to stdout and DIR/compare.md, with DIR/compare.csv and",
                "DIR/compare-val-loss.png (val loss by step and by training seconds).",
                "For a fair comparison train each run with the same --max-time."})
public final class CompareCommand implements Callable<Integer> {
    /**
     * Untimed generation before the timing, at least one pass and this many seconds: the JIT needs a few passes
     * (0.5 s for a tiny GPT on 2 cores) before a run's figure stops depending on its place in the list.
     */
    static final double WARMUP_SECONDS = 2;
    /** Timed generations per run, of which the median counts (one slow pass on a shared machine does not). */
    static final int TIMED_REPEATS = 5;

    /** A bound on --tokens: a million tokens time any model well, and their passes fit the heap. */
    static final int MAX_TOKENS = 1_000_000;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "run directories written by `nanolm train`")
    List<Path> runs;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "500", description = "tokens to generate for the timing (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "text the timed generation continues (text runs; default: a newline)")
    String prompt;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "seed of the timed generation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--checkpoint", paramLabel = "best|last", defaultValue = "last",
            description = "the checkpoint evaluated and timed (default: ${DEFAULT-VALUE}, the final model)")
    String which;

    @Option(names = "--out", paramLabel = "DIR", description = "where compare.md, .csv and .png go (default: runs/compare-<time>)")
    Path out;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() throws IOException {
        if (tokens <= 0) throw new ConfigException("--tokens must be positive, got " + tokens, "use --tokens 500");
        // each of the 5+ timed passes holds all its tokens: 2^31 of them would end in an out-of-memory after the evaluation
        if (tokens > MAX_TOKENS) throw new ConfigException("--tokens " + tokens + " is more than the timing needs (at most " + MAX_TOKENS + ")", "use --tokens 500");
        Path dir = out != null ? out : Path.of("runs", "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        new dev.nanolm.train.RunDir(dir).checkWritable(); // before minutes of evaluation
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = names(runs);
        // every run is checked before the first is measured: a bad one fails at once, not after minutes
        List<Opened> opened = new ArrayList<>();
        for (Path run : runs) opened.add(open(run));
        List<Comparison.Entry> entries = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            err.printf("compare: measuring %s ...%n", runs.get(i));
            err.flush();
            entries.add(measure(names.get(i), runs.get(i), opened.get(i)));
            opened.set(i, null); // its model can go
        }
        String measured = String.format("Measured with each run's %s checkpoint; generation: %d tokens after the prompt `%s` (line-data runs: "
                + "from the item start), seed %d, temperature 1, the model's KV-cache decoder where it has one; the median of %d timed "
                + "passes after %.0f s of untimed ones.", which, tokens, prompt().replace("\n", "\\n").replace("`", "'"), seed, TIMED_REPEATS, WARMUP_SECONDS);
        String table = Comparison.write(dir, entries, measured);
        PrintWriter o = spec.commandLine().getOut();
        o.print(table);
        o.flush();
        err.printf("wrote %s, %s and %s in %s%n", Comparison.MARKDOWN, Comparison.CSV, Comparison.PLOT, dir);
        err.flush();
        return 0;
    }

    private String prompt() { return prompt != null ? prompt : "\n"; }

    /** A run that can be compared: its checkpoint, its finished summary and the generation's start tokens. */
    private record Opened(RunCheckpoint rc, Map<String, Object> summary, int[] start) {}

    private Opened open(Path run) {
        RunCheckpoint rc = RunCheckpoint.open(run, which);
        Map<String, Object> summary = Comparison.finishedSummary(rc.run());
        boolean items = rc.tokenizer() instanceof CharVocab v && v.hasBoundary();
        // line items start at the boundary token (window models: from an all-boundary window, so no prompt)
        int[] start = !items ? SampleCommand.encodePrompt(rc.tokenizer(), prompt())
                : rc.model().predictsEveryPosition() ? new int[] {CharVocab.BOUNDARY} : new int[0];
        return new Opened(rc, summary, start);
    }

    /** One run's row: its summary, the whole val split's loss and the timed generation. */
    private Comparison.Entry measure(String name, Path run, Opened o) {
        RunCheckpoint rc = o.rc();
        LmData data = rc.data().data();
        double val = LossEval.fullSplit(rc.model(), data, LmData.Split.VAL, Integer.parseInt(EvalCommand.DEFAULT_BATCH));
        double charsPerToken = data.charsPerTarget(LmData.Split.VAL);
        return new Comparison.Entry(name, run, o.summary(), val, charsPerToken, tokens, secondsToGenerate(rc.model(), o.start(), tokens, seed));
    }

    /**
     * Seconds to generate n tokens after prompt (no stop token): the median of TIMED_REPEATS passes, each with the
     * same seed, after WARMUP_SECONDS of untimed passes.
     */
    static double secondsToGenerate(LanguageModel model, int[] prompt, int n, long seed) {
        Sampler sampler = new Sampler(model, CharVocab.BOUNDARY);
        long warm = System.nanoTime();
        do sampler.generate(prompt, n, Sampler.Options.plain(), new Rng(seed), null, null);
        while (System.nanoTime() - warm < WARMUP_SECONDS * 1e9);
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < TIMED_REPEATS; i++) {
            long t0 = System.nanoTime();
            sampler.generate(prompt, n, Sampler.Options.plain(), new Rng(seed), null, null);
            seconds.add((System.nanoTime() - t0) / 1e9);
        }
        return Stats.median(seconds);
    }

    /** Legend and table names: each run's folder name, or the path as given where two folders share a name. */
    static List<String> names(List<Path> runs) {
        Set<Path> given = new HashSet<>();
        for (Path p : runs)
            if (!given.add(p.toAbsolutePath().normalize())) throw new ConfigException("the run " + p + " is given twice", "name each run once");
        Set<String> seen = new HashSet<>(), clash = new HashSet<>();
        for (Path p : runs) if (!seen.add(folder(p))) clash.add(folder(p));
        List<String> names = new ArrayList<>();
        for (Path p : runs) names.add(clash.contains(folder(p)) ? p.toString() : folder(p));
        return names;
    }

    private static String folder(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? p.toString() : f.toString();
    }
}
