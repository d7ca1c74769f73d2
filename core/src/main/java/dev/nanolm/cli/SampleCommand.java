// `nanolm sample`: generate from a trained run. Line-data models produce new items, each marked as in
// train/dev/test or new (as makemore does); text models continue a prompt, encoded with the run's tokenizer,
// streaming text as it comes.
package dev.nanolm.cli;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.data.LineDataset;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.sample.Sampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.TokenStream;
import dev.nanolm.tokenize.Tokenizer;
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
        description = {"Generate from a trained run: new items (names, words) for line-data models,",
                "a continuation of --prompt for text models (streamed as it is generated)."})
public final class SampleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory written by `nanolm train`")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "best|last", defaultValue = "best", description = "which checkpoint (default: ${DEFAULT-VALUE})")
    String which;

    @Option(names = "--num-samples", paramLabel = "N", description = "how many samples (default: 20 items for line models, 1 text for text models)")
    Integer numSamples;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "text to continue (text models; default: a newline)")
    String prompt;

    @Option(names = "--tokenizer", paramLabel = "SPEC", description = "optional: must be the run's tokenizer (char, word, byte, bpe:<file>, tiktoken:<encoding>), which is always the one used")
    String tokenizer;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "500", description = "tokens to generate per sample (characters for a char model; text models; default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "softmax temperature (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "sample only from the K most likely (0 = all; default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "sample only from the smallest set with probability >= P (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-length", paramLabel = "N", defaultValue = "100", description = "stop an item after N characters (line models; default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() {
        if (numSamples != null && numSamples <= 0) throw new ConfigException("--num-samples must be positive, got " + numSamples, "use --num-samples 20");
        if (tokens <= 0) throw new ConfigException("--tokens must be positive, got " + tokens, "use --tokens 500");
        if (maxLength <= 0) throw new ConfigException("--max-length must be positive, got " + maxLength, "use --max-length 100");
        Sampler.Options opts;
        try {
            opts = new Sampler.Options(temperature, topK, topP);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), "for example --temperature 0.8 --top-k 50 --top-p 0.95");
        }
        RunCheckpoint rc = RunCheckpoint.open(run, which);
        rc.checkTokenizer(tokenizer);
        RunDir rd = rc.run();
        LanguageModel model = rc.model();
        Tokenizer tok = rc.tokenizer();
        PrintWriter out = spec.commandLine().getOut();
        Rng rng = new Rng(seed);
        Sampler sampler = new Sampler(model, CharVocab.BOUNDARY);
        if (tok instanceof CharVocab vocab && vocab.hasBoundary()) sampleItems(rd, model, vocab, sampler, opts, rng, out);
        else sampleText(tok, sampler, opts, rng, out);
        out.flush();
        return 0;
    }

    private void sampleItems(RunDir rd, LanguageModel model, CharVocab vocab, Sampler sampler, Sampler.Options opts, Rng rng, PrintWriter out) {
        int n = numSamples != null ? numSamples : 20;
        Map<String, Set<String>> splits = splitsOf(rd, model, out);
        int fresh = 0;
        for (int i = 0; i < n; i++) {
            int[] ids = sampler.item(maxLength, opts, rng);
            String s = vocab.decodeText(ids, 0, ids.length);
            String mark = "new";
            for (var e : splits.entrySet()) if (e.getValue().contains(s)) { mark = "in " + e.getKey(); break; }
            if (mark.equals("new")) fresh++;
            out.printf("%-24s %s%n", s.isEmpty() ? "(empty)" : s, splits.isEmpty() ? "" : "(" + mark + ")");
        }
        if (!splits.isEmpty()) out.printf("%d of %d are new (not in train, dev or test)%n", fresh, n);
    }

    private void sampleText(Tokenizer vocab, Sampler sampler, Sampler.Options opts, Rng rng, PrintWriter out) {
        String p = prompt != null ? prompt : "\n";
        int[] promptIds = encodePrompt(vocab, p);
        int n = numSamples != null ? numSamples : 1;
        long t0 = System.nanoTime(), made = 0;
        for (int i = 0; i < n; i++) {
            out.print(p);
            out.flush();
            TokenStream text = new TokenStream(vocab); // byte-level tokens may split a character: held until complete
            int[] ids = sampler.generate(promptIds, tokens, opts, rng, null, t -> {
                out.print(text.push(t));
                out.flush();
            });
            out.print(text.finish());
            made += ids.length;
            out.println();
            if (i < n - 1) out.println("---------------");
        }
        double s = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getErr().printf("(%d %s in %.2f s: %.0f tokens/s)%n", made, vocab instanceof CharVocab ? "characters" : vocab.name() + " tokens", s, made / s);
        spec.commandLine().getErr().flush();
    }

    /** --prompt as token ids of a text model's tokenizer; an empty prompt or one the vocabulary cannot encode is a usage error. */
    static int[] encodePrompt(Tokenizer vocab, String p) {
        if (p.isEmpty()) throw new ConfigException("--prompt is empty", "give at least one character, e.g. --prompt 'ROMEO:'");
        int[] promptIds;
        try {
            promptIds = vocab.encode(p);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the prompt has " + e.getMessage(), vocab instanceof CharVocab ? "use only characters the model was trained on"
                    : "use words and characters that occur in the training text (a compacted vocabulary holds only its tokens)");
        }
        if (promptIds.length == 0) throw new ConfigException("the prompt encodes to no tokens", "give a longer --prompt");
        return promptIds;
    }

    /** The run's dataset splits, to mark samples; empty (with a note) when the dataset cannot be found. */
    private static Map<String, Set<String>> splitsOf(RunDir rd, LanguageModel model, PrintWriter out) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> settings = (Map<String, String>) rd.readJson(rd.config()).get("settings");
            Settings s = Settings.fromMap(settings);
            LineDataset items = LoadedData.load(s).data().lineDataset();
            if (items != null) {
                m.put("train", new HashSet<>(items.train));
                m.put("dev", new HashSet<>(items.dev));
                m.put("test", new HashSet<>(items.test));
            }
        } catch (RuntimeException e) {
            out.println("(not marking samples: the run's dataset could not be loaded: " + e.getMessage() + ")");
        }
        return m;
    }
}
