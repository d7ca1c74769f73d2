// `nanolm eval`: loss over the whole validation split (not random batches), perplexity and bits per
// character (the split's total loss over its characters, whatever the tokenizer), written into the run's summary.json.
package dev.nanolm.cli;

import static dev.nanolm.train.Stats.round;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.config.ConfigException;
import dev.nanolm.data.LmData;
import dev.nanolm.eval.LossEval;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.train.RunDir;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a run's checkpoint on its whole validation split (and test split, for line data): loss, perplexity, bits per character.")
public final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory written by `nanolm train`")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "best|last", defaultValue = "best", description = "which checkpoint (default: ${DEFAULT-VALUE})")
    String which;

    /** Examples per evaluation batch unless --batch-size says otherwise (compare uses it too). */
    static final String DEFAULT_BATCH = "64";

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = DEFAULT_BATCH, description = "examples per evaluation batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--tokenizer", paramLabel = "SPEC", description = "optional: must be the run's tokenizer (char, word, byte, bpe:<file>, tiktoken:<encoding>), which is always the one used")
    String tokenizer;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "worker threads (0 = all cores)")
    int threads;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() {
        if (batch <= 0) throw new ConfigException("--batch-size must be positive, got " + batch, "use --batch-size 64");
        if (threads < 0 || threads > dev.nanolm.train.TrainConfig.MAX_THREADS)
            throw new ConfigException("--threads must be 0 to " + dev.nanolm.train.TrainConfig.MAX_THREADS + ", got " + threads, "use --threads 0 (all cores)");
        if (threads > 0) Parallel.setThreads(threads);
        RunCheckpoint rc = RunCheckpoint.open(run, which);
        rc.checkTokenizer(tokenizer);
        RunDir rd = rc.run();
        Checkpoint ck = rc.checkpoint();
        LanguageModel model = rc.model();
        LoadedData ld = rc.data();
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        double val = LossEval.fullSplit(model, ld.data(), LmData.Split.VAL, batch);
        Map<String, Object> s = new LinkedHashMap<>();
        if (Files.exists(rd.summary())) s.putAll(rd.readJson(rd.summary()));
        s.put("eval_checkpoint", which);
        s.put("eval_step", Long.parseLong(ck.requireMeta("step")));
        s.put("eval_val_loss", round(val));
        s.put("val_perplexity", round(Math.exp(val)));
        // total loss over the split / its characters: token-level and character-level models compare fairly
        double charsPerToken = ld.data().charsPerTarget(LmData.Split.VAL), bpc = LossEval.bitsPerChar(val, charsPerToken);
        s.put("val_bits_per_char", round(bpc));
        if (charsPerToken != 1.0) s.put("val_chars_per_token", round(charsPerToken));
        out.printf("val loss %.4f over the whole split (%d examples), perplexity %.3f, %.4f bits per character%s%n",
                val, ld.data().fullCount(LmData.Split.VAL), Math.exp(val), bpc,
                charsPerToken == 1.0 ? "" : String.format(" (%s, %.3f characters per token)", rc.tokenizer().name(), charsPerToken));
        if (ld.data().has(LmData.Split.TEST)) {
            double test = LossEval.fullSplit(model, ld.data(), LmData.Split.TEST, batch);
            s.put("test_loss", round(test));
            out.printf("test loss %.4f%n", test);
        }
        rd.writeJson(rd.summary(), s);
        out.printf("(%.1f s; written to %s)%n", (System.nanoTime() - t0) / 1e9, rd.summary());
        out.flush();
        return 0;
    }

}
