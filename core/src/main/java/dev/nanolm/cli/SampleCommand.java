// `nanolm sample`: generate items from a trained run, marking each as in train/dev/test or new (as makemore does).
package dev.nanolm.cli;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.data.LineDataset;
import dev.nanolm.models.WindowModel;
import dev.nanolm.sample.WindowSampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.train.CheckpointIO;
import dev.nanolm.train.RunDir;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate new items (names, words) from a trained run.")
public final class SampleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory written by `nanolm train`")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "best|last", defaultValue = "best", description = "which checkpoint (default: ${DEFAULT-VALUE})")
    String which;

    @Option(names = "--num-samples", paramLabel = "N", defaultValue = "20", description = "how many items (default: ${DEFAULT-VALUE})")
    int numSamples;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "softmax temperature (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "sample only from the K most likely (0 = all; default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-length", paramLabel = "N", defaultValue = "100", description = "stop an item after N characters (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() {
        if (numSamples <= 0) throw new ConfigException("--num-samples must be positive, got " + numSamples, "use --num-samples 20");
        if (!(temperature > 0)) throw new ConfigException("--temperature must be positive, got " + temperature, "use --temperature 1.0");
        if (topK < 0) throw new ConfigException("--top-k must be >= 0, got " + topK, "use --top-k 0 (all)");
        if (maxLength <= 0) throw new ConfigException("--max-length must be positive, got " + maxLength, "use --max-length 100");
        if (!which.equals("best") && !which.equals("last")) throw new ConfigException("--checkpoint must be best or last, got " + which, "use --checkpoint best");
        RunDir rd = new RunDir(run);
        Path ckPath = which.equals("best") ? rd.bestCheckpoint() : rd.lastCheckpoint();
        if (!Files.isDirectory(run)) throw new DataException("no run directory at " + run, "pass the --out folder of a `nanolm train` run");
        if (!Files.exists(ckPath)) throw new DataException("no checkpoint at " + ckPath, "train first, or pass --checkpoint last");
        Checkpoint ck = Checkpoint.load(ckPath);
        WindowModel model = CheckpointIO.loadModel(ck);
        CharVocab vocab = CheckpointIO.vocab(ck);
        PrintWriter out = spec.commandLine().getOut();

        Map<String, Set<String>> splits = splitsOf(rd, out);
        WindowSampler sampler = new WindowSampler(model, vocab);
        Rng rng = new Rng(seed);
        int fresh = 0;
        for (int i = 0; i < numSamples; i++) {
            String s = sampler.sampleOne(rng, temperature, topK, maxLength);
            String mark = "new";
            for (var e : splits.entrySet()) if (e.getValue().contains(s)) { mark = "in " + e.getKey(); break; }
            if (mark.equals("new")) fresh++;
            out.printf("%-24s %s%n", s.isEmpty() ? "(empty)" : s, splits.isEmpty() ? "" : "(" + mark + ")");
        }
        if (!splits.isEmpty()) out.printf("%d of %d are new (not in train, dev or test)%n", fresh, numSamples);
        out.flush();
        return 0;
    }

    /** The run's dataset splits, to mark samples; empty (with a note) when the dataset cannot be found. */
    private static Map<String, Set<String>> splitsOf(RunDir rd, PrintWriter out) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> settings = (Map<String, String>) rd.readJson(rd.config()).get("settings");
            Settings s = Settings.fromMap(settings);
            LineDataset ds = LoadedData.lines(s.str("data"), s.longValue("split-seed")).dataset();
            m.put("train", new HashSet<>(ds.train));
            m.put("dev", new HashSet<>(ds.dev));
            m.put("test", new HashSet<>(ds.test));
        } catch (RuntimeException e) {
            out.println("(not marking samples: the run's dataset could not be loaded: " + e.getMessage() + ")");
        }
        return m;
    }
}
