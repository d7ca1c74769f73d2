// `nanolm classify train|eval|predict`: recurrent and bag-of-n-grams text classifiers (AG News or any CSV/TSV) from the command line.
package dev.nanolm.cli;

import dev.nanolm.classify.ClassifierCheckpoint;
import dev.nanolm.classify.ClassifyData;
import dev.nanolm.classify.ClassifyTrainer;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.train.RunDir;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Text classification with recurrent networks (rnn, gru, lstm) or a bag of n-grams (bow): train, eval, predict.",
        subcommands = {ClassifyCommand.Train.class, ClassifyEval.class, ClassifyPredict.class})
public final class ClassifyCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    /** Names people use for the recurrent stack's sizes (PyTorch's), mapped to nanolm's settings. */
    static final Map<String, String> ALIASES = Map.of("--num-layers", "--n-layer", "--hidden-size", "--n-hidden",
            "--embed-dim", "--n-embd", "--embedding-dim", "--n-embd", "--lr", "--learning-rate");

    static List<String> unalias(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            String k = eq < 0 ? a : a.substring(0, eq);
            String to = ALIASES.get(k);
            out.add(to == null ? a : to + (eq < 0 ? "" : a.substring(eq)));
        }
        return out;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a classifier into a run directory (config.json, metrics.jsonl, summary.json, checkpoints/, plots/).",
                    "Any setting can be given as --key value (see `nanolm help train`; classifier keys say 'classify:')."})
    static final class Train implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--preset", paramLabel = "NAME", description = "agnews-rnn (the default), agnews-gru, agnews-lstm, agnews-gru-tuned, agnews-bow, agnews-best (see `nanolm presets`)")
        String preset;

        @Option(names = "--data", paramLabel = "NAME|PATH", description = "ag_news, or a CSV/TSV file (--label-col, --text-cols, --test-data)")
        String data;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "run directory")
        Path out;

        @Option(names = "--resume", description = "continue the run in --out from its last checkpoint (its own settings unless --preset is given; --epochs N extends it)")
        boolean resume;

        @Option(names = "--overwrite", description = "replace an earlier run in --out")
        boolean overwrite;

        @Option(names = "--debug", description = "print stack traces of errors")
        boolean debug;

        @Unmatched List<String> overrides = new ArrayList<>();

        @Override public Integer call() {
            Settings s = resume && preset == null ? TrainCommand.resumeSettings(new RunDir(out), data, unalias(overrides), true)
                    : settings(preset, data, overrides);
            ClassifyTrainer.check(s);
            PrintStream log = new PrintStream(System.out, true);
            trainInto(s, out, resume, overwrite, log);
            return 0;
        }
    }

    /** Resolved settings: defaults, preset, --data, --key value (PyTorch-style aliases accepted); checked. */
    static Settings settings(String preset, String data, List<String> overrides) {
        // without --preset the baseline's settings are the defaults (the language models' defaults fit no classifier)
        Settings s = TrainCommand.resolveSettings(preset != null ? preset : "agnews-rnn", data, unalias(overrides));
        ClassifyTrainer.check(s);
        return s;
    }

    /** One classifier run into dir, or with resume the continuation of its last checkpoint (what `sweep` calls too). */
    static Map<String, Object> trainInto(Settings s, Path dir, boolean resume, boolean overwrite, PrintStream log) {
        RunDir run = new RunDir(dir);
        run.checkWritable();
        long t0 = System.nanoTime();
        ClassifyData d = ClassifyData.load(s);
        String readIn = String.format("read %,d train and %,d test rows in %.1f s", d.train().size(), d.test().size(), (System.nanoTime() - t0) / 1e9);
        if (!resume && run.hasRun()) {
            if (!overwrite) throw new ConfigException("--out " + dir + " already holds a run",
                    "continue it with --resume, replace it with --overwrite, or choose another --out");
            run.clear();
        }
        run.create();
        log.println("run directory: " + dir + " | " + readIn);
        return new ClassifyTrainer(s, d, run, log).train(resume);
    }

    /** The checkpoint of a run: best.safetensors (or last with --checkpoint last). */
    static ClassifierCheckpoint.Loaded load(Path runDir, String which) {
        RunDir run = new RunDir(runDir);
        if (!which.equals("best") && !which.equals("last"))
            throw new ConfigException("--checkpoint must be best or last, got '" + which + "'", "use --checkpoint best");
        Path ck = which.equals("best") ? run.bestCheckpoint() : run.lastCheckpoint();
        if (!Files.exists(ck)) throw new DataException("no checkpoint " + ck, "pass --run DIR of a finished `nanolm classify train`");
        return ClassifierCheckpoint.load(ck);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> settingsOf(ClassifierCheckpoint.Loaded m) {
        String json = m.meta().get("settings");
        if (json == null) return Map.of();
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, LinkedHashMap.class);
        } catch (Exception e) {
            throw new dev.nanolm.checkpoint.CheckpointException("the checkpoint's settings cannot be read", "retrain");
        }
    }
}
