// `nanolm classify train|eval|predict`: recurrent text classifiers (AG News or any CSV/TSV) from the command line.
package dev.nanolm.cli;

import dev.nanolm.classify.Batches;
import dev.nanolm.classify.ClassifierCheckpoint;
import dev.nanolm.classify.ClassifyData;
import dev.nanolm.classify.ClassifyTrainer;
import dev.nanolm.classify.CsvTexts;
import dev.nanolm.classify.Evaluator;
import dev.nanolm.classify.LabeledTexts;
import dev.nanolm.classify.Scores;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.data.TextFiles;
import dev.nanolm.train.RunDir;
import java.io.PrintStream;
import java.io.PrintWriter;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Text classification with recurrent networks (rnn, gru, lstm): train, eval, predict.",
        subcommands = {ClassifyCommand.Train.class, ClassifyCommand.Eval.class, ClassifyCommand.Predict.class})
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

        @Option(names = "--preset", paramLabel = "NAME", description = "agnews-rnn (the default), agnews-gru, agnews-lstm, agnews-best (see `nanolm presets`)")
        String preset;

        @Option(names = "--data", paramLabel = "NAME|PATH", description = "ag_news, or a CSV/TSV file (--label-col, --text-cols, --test-data)")
        String data;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "run directory")
        Path out;

        @Option(names = "--overwrite", description = "replace an earlier run in --out")
        boolean overwrite;

        @Option(names = "--debug", description = "print stack traces of errors")
        boolean debug;

        @Unmatched List<String> overrides = new ArrayList<>();

        @Override public Integer call() {
            Settings s = settings(preset, data, overrides);
            PrintStream log = new PrintStream(System.out, true);
            trainInto(s, out, overwrite, log);
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

    /** One classifier run into dir (what `sweep` calls for a classifier preset too). */
    static Map<String, Object> trainInto(Settings s, Path dir, boolean overwrite, PrintStream log) {
        RunDir run = new RunDir(dir);
        run.checkWritable();
        ClassifyData d = ClassifyData.load(s);
        if (run.hasRun()) {
            if (!overwrite) throw new ConfigException("--out " + dir + " already holds a run", "replace it with --overwrite, or choose another --out");
            run.clear();
        }
        run.create();
        log.println("run directory: " + dir);
        return new ClassifyTrainer(s, d, run, log).train();
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

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Accuracy, per-class precision/recall/F1 and the confusion matrix of a run's best checkpoint on its test set or --data FILE.")
    static final class Eval implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--run", required = true, paramLabel = "DIR") Path runDir;
        @Option(names = "--data", paramLabel = "NAME|FILE", description = "ag_news or a CSV with the run's columns (default: the run's test set)") String data;
        @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "best|last") String which;
        @Option(names = "--debug") boolean debug;

        @Override public Integer call() {
            ClassifierCheckpoint.Loaded m = load(runDir, which);
            Settings s = Settings.fromMap(settingsOf(m));
            if (data != null) s.set("data", data);
            LabeledTexts test;
            if (data != null && !data.equalsIgnoreCase("ag_news") && !data.equalsIgnoreCase("ag-news"))
                test = CsvTexts.read(new dev.nanolm.data.Catalog().resolve(data), ClassifyData.columns(s), m.classes());
            else test = ClassifyData.load(s).test();
            if (!test.classes().equals(m.classes()))
                throw new DataException("the data's classes " + test.classes() + " are not the model's " + m.classes(), "evaluate on data labelled like the training data");
            int maxLen = s.integer("max-len");
            Batches.Encoded enc = Batches.Encoded.of(test, m.vocab(), maxLen);
            Evaluator.Result r = Evaluator.run(m.model(), enc, 256, false);
            Scores sc = new Scores(enc.labels(), r.predicted(), m.classes());
            int[] all = new int[enc.size()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s checkpoint (epoch %s) on %s (%d rows): loss %.4f%n", which, m.meta().get("epoch"), test.source(), enc.size(), r.meanLoss(all));
            out.print(sc.table());
            out.flush();
            RunDir run = new RunDir(runDir);
            if (Files.exists(run.summary())) {
                LinkedHashMap<String, Object> sum = run.readJson(run.summary());
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("data", test.source());
                e.put("checkpoint", which);
                e.put("accuracy", sc.accuracy());
                e.put("per_class", sc.perClass());
                e.put("confusion_matrix", sc.confusionList());
                sum.put("eval", e);
                run.writeJson(run.summary(), sum);
            }
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = "Label texts with a run's best checkpoint: each text's class and the class probabilities.")
    static final class Predict implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--run", required = true, paramLabel = "DIR") Path runDir;
        @Option(names = "--file", paramLabel = "FILE", description = "one text per line") Path file;
        @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "best|last") String which;
        @Option(names = "--debug") boolean debug;
        @Parameters(paramLabel = "TEXT", arity = "0..*", description = "texts to label") List<String> texts = new ArrayList<>();

        @Override public Integer call() {
            List<String> in = new ArrayList<>(texts);
            if (file != null) for (String line : TextFiles.readUtf8(file).split("\r?\n")) if (!line.isBlank()) in.add(line);
            if (in.isEmpty()) throw new ConfigException("nothing to label", "give texts as arguments or --file FILE (one text per line)");
            ClassifierCheckpoint.Loaded m = load(runDir, which);
            int maxLen = Settings.fromMap(settingsOf(m)).integer("max-len");
            int[] zeros = new int[in.size()];
            LabeledTexts lt = new LabeledTexts(in.toArray(new String[0]), zeros, m.classes(), "input");
            Evaluator.Result r = Evaluator.run(m.model(), Batches.Encoded.of(lt, m.vocab(), maxLen), 256, true);
            PrintWriter out = spec.commandLine().getOut();
            for (int i = 0; i < in.size(); i++) {
                StringBuilder sb = new StringBuilder(m.classes().get(r.predicted()[i]));
                for (int c = 0; c < m.classes().size(); c++) sb.append(String.format("\t%s=%.3f", m.classes().get(c), r.probs()[i][c]));
                String t = in.get(i);
                sb.append('\t').append(t.length() > 80 ? t.substring(0, 77) + "..." : t);
                out.println(sb);
            }
            out.flush();
            return 0;
        }
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
