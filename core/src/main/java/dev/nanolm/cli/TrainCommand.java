// `nanolm train`: resolve settings (preset, then --key value overrides), load the data, train into a run directory.
package dev.nanolm.cli;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Key;
import dev.nanolm.config.Keys;
import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.tokenize.Tokenizers;
import dev.nanolm.train.Progress;
import dev.nanolm.train.Trainer;
import dev.nanolm.train.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model into a run directory (config.json, metrics.jsonl, summary.json, checkpoints/, samples/).",
                "Any setting below can be given as --key value and overrides the preset."},
        footerHeading = "%nSettings (--key value, defaults shown; a preset sets many of them):%n")
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "a bundled preset (see `nanolm presets`)")
    String preset;

    @Option(names = "--data", paramLabel = "NAME|PATH", description = "dataset name (see `nanolm datasets`) or a text file with one item per line")
    String data;

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/<preset or model>-<time>)")
    Path out;

    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint")
    boolean resume;

    @Option(names = "--overwrite", description = "replace an earlier run in --out (its metrics, checkpoints and samples)")
    boolean overwrite;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Unmatched List<String> overrides = new ArrayList<>();

    @Override public Integer call() {
        if (resume && out == null) throw new ConfigException("--resume needs --out DIR (the run to continue)", "add --out runs/NAME");
        // --resume without --preset continues with the run's own settings (config.json), plus any --key overrides
        Settings settings = resume && preset == null ? resumeSettings(new RunDir(out), data, overrides, false)
                : resolveSettings(preset, data, overrides);
        Path dir = out != null ? out : Path.of("runs", (preset != null ? preset : settings.str("model")) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        check(settings);
        RunDir run = new RunDir(dir);
        run.checkWritable(); // before the data: a wrong --out should not wait for a download
        LoadedData ld = LoadedData.loadResolving(settings, dir);
        checkMemory(settings, ld);
        if (!resume && run.hasRun()) {
            if (!overwrite) throw new ConfigException("--out " + dir + " already holds a run",
                    "continue it with --resume, replace it with --overwrite, or choose another --out");
            run.clear();
        }
        run.create();
        var out = spec.commandLine().getOut();
        out.println("run directory: " + dir);
        new Trainer(settings, ld.data(), ld.ref(), run, new java.io.PrintStream(System.out, true)).train(resume);
        out.println("summary: " + run.summary());
        out.flush();
        return 0;
    }

    /** Checks every setting before touching data: a typo should not wait for a download. */
    static void check(Settings settings) {
        dev.nanolm.train.TrainConfig.from(settings);
        dev.nanolm.optim.OptimConfig.from(settings).schedule(settings.integer("max-iters"));
        Settings check = Settings.fromMap(settings.asMap());
        if (check.integer("block-size") == 0) check.set("block-size", "1"); // 0 = from the data, known after loading
        dev.nanolm.models.ModelType.config(check, 1);
        dev.nanolm.train.Diagnostics.check(settings);
        LoadedData.format(settings);
        dev.nanolm.tokenize.Tokenizers.check(settings.str("tokenizer"));
        settings.bool("compact-vocab");
    }

    /**
     * One training run into dir, logging to log, progress to progress: a fresh run (dir must hold none) or, with
     * resume, the continuation of its last checkpoint. What `sweep` runs for each point of its grid.
     */
    static Map<String, Object> trainInto(Settings settings, Path dir, boolean resume, java.io.PrintStream log, Progress progress) {
        check(settings);
        RunDir run = new RunDir(dir);
        run.checkWritable();
        LoadedData ld = LoadedData.loadResolving(settings, dir);
        checkMemory(settings, ld);
        run.create();
        return new Trainer(settings, ld.data(), ld.ref(), run, log, progress).train(resume);
    }

    /** Refuses a batch and model that cannot fit in the heap, before anything is written (see MemoryEstimate). */
    static void checkMemory(Settings settings, LoadedData ld) {
        var cfg = dev.nanolm.models.ModelType.config(settings, ld.data().tokenizer().vocabSize());
        int b = settings.integer("batch-size");
        long B = b == 0 ? ld.data().fullCount(dev.nanolm.data.LmData.Split.TRAIN) : b;
        dev.nanolm.train.MemoryEstimate.of(cfg, B).check(Runtime.getRuntime().maxMemory(), B, ld.data().T());
    }

    /** defaults <- preset <- --data <- --key value overrides (also --key=value). */
    /** The settings a run was started with (its config.json), then --data and the --key overrides on top. */
    static Settings resumeSettings(RunDir run, String data, List<String> overrides, boolean classifier) {
        if (!Files.exists(run.config()))
            throw new DataException("nothing to resume: " + run.config() + " does not exist",
                    "start a new run without --resume, or give --out the directory of an earlier run");
        Map<String, Object> config = run.readJson(run.config());
        // a classifier's model config names its classes; resumed by the other command its settings would fail obscurely
        boolean classifierRun = config.get("model") instanceof Map<?, ?> m && m.containsKey("numClasses");
        if (classifierRun != classifier)
            throw new DataException(run.dir + " is a " + (classifierRun ? "text-classifier" : "language-model") + " run",
                    "resume it with `nanolm " + (classifierRun ? "classify train" : "train") + " --out " + run.dir + " --resume`");
        @SuppressWarnings("unchecked")
        Map<String, String> saved = (Map<String, String>) config.get("settings");
        if (saved == null) throw new DataException(run.config() + " has no settings",
                "resume with the run's original options (--preset ... --key value)");
        Settings s = Settings.fromMap(saved);
        if (data != null) s.set("data", data);
        s.setAll(parseOverrides(overrides));
        return s;
    }

    /** defaults <- preset <- --data <- --key value overrides (also --key=value). */
    static Settings resolveSettings(String preset, String data, List<String> overrides) {
        Settings s = Settings.defaults();
        if (preset != null) s.setAll(Presets.load(preset).values());
        if (data != null) s.set("data", data);
        LinkedHashMap<String, String> kv = parseOverrides(overrides);
        s.setAll(kv);
        // --min-count's default is the classifiers' 25; a language model's word tokenizer keeps rarer words too
        boolean countGiven = kv.containsKey("min-count") || preset != null && Presets.load(preset).values().containsKey("min-count");
        if (s.str("tokenizer").equals("word") && !countGiven) s.set("min-count", Integer.toString(Tokenizers.WORD_MIN_COUNT));
        return s;
    }

    static LinkedHashMap<String, String> parseOverrides(List<String> args) {
        LinkedHashMap<String, String> kv = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2)
                throw new ConfigException("unexpected argument '" + a + "'", "settings are given as --key value; see `nanolm help train`");
            String key = a.substring(2), value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (!Keys.known(key)) throw new ConfigException("unknown setting '--" + key + "'",
                        "did you mean --" + Keys.nearest(key) + "? `nanolm help train` lists every setting");
                boolean noValue = i + 1 >= args.size() || (args.get(i + 1).startsWith("--") && !isNumber(args.get(i + 1)));
                if (noValue && isBoolean(key)) { kv.put(key, "true"); continue; } // a bare boolean: --diagnostics
                if (noValue)
                    throw new ConfigException("--" + key + " needs a value", "for example --" + key + " " + Keys.all().get(key).defaultValue());
                value = args.get(++i);
            }
            kv.put(key, value);
        }
        return kv;
    }

    private static boolean isBoolean(String key) {
        String d = Keys.all().get(key).defaultValue();
        return d.equals("true") || d.equals("false");
    }

    private static boolean isNumber(String s) {
        try { Double.parseDouble(s); return true; } catch (NumberFormatException e) { return false; }
    }

    /** The footer listing every setting (picocli calls this through the usage help). */
    public static String settingsHelp() {
        StringBuilder sb = new StringBuilder();
        for (Key k : Keys.all().values()) sb.append(String.format("  --%-16s %-10s %s%n", k.name(), k.defaultValue(), k.help()));
        return sb.toString().replace("%", "%%"); // picocli formats a footer: a bare % (as in "10% of") would be a bad format

    }
}
