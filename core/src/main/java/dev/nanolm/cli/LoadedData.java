// Resolves --data (catalog name or path), reads it as checked UTF-8 and builds the training data in the
// format the model needs: lines (makemore items) or text (one corpus, nanoGPT).
package dev.nanolm.cli;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.Catalog;
import dev.nanolm.data.LineData;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.LineSeqData;
import dev.nanolm.data.LmData;
import dev.nanolm.data.TokenCache;
import dev.nanolm.data.TextFiles;
import dev.nanolm.models.ModelConfig;
import dev.nanolm.models.ModelType;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tokenizer;
import dev.nanolm.tokenize.Tokenizers;
import dev.nanolm.tokenize.WordVocab;
import dev.nanolm.train.Trainer.DatasetRef;
import java.nio.file.Path;

public record LoadedData(LmData data, DatasetRef ref) {

    /**
     * Resolves --block-size 0 (line items, sequence models: longest item + 1) to the data's T in s, so the model
     * config and config.json carry the real size.
     */
    public static LoadedData loadResolving(Settings s, Path runDir) {
        LoadedData ld = load(s, null, runDir);
        if (s.integer("block-size") == 0) s.set("block-size", Integer.toString(ld.data().T()));
        return ld;
    }

    static LoadedData load(Settings s) { return load(s, null, null); }

    /**
     * With saved, a checkpoint's tokenizer, text is encoded with it instead of --tokenizer (eval needs no merges file,
     * and a compacted vocabulary is compacted again from its full one); char and word vocabularies are rebuilt from the
     * text; the caller compares the result with the checkpoint's.
     * Text is encoded once into the token cache (TokenCache), else into runDir/tokens (when not null).
     */
    static LoadedData load(Settings s, Tokenizer saved, Path runDir) {
        String format = format(s);
        String spec = s.str("tokenizer");
        Tokenizers.check(spec);
        Path path = new Catalog().onProgress(msg -> System.err.println("nanolm: " + msg)).resolve(s.str("data"));
        String text = TextFiles.readUtf8(path);
        int T = s.integer("block-size");
        if (T < 0 || (T == 0 && !(format.equals("lines") && !windowed(s))))
            throw new ConfigException("--block-size must be positive, got " + T + " (0, meaning longest item + 1, is only for sequence models on line items)",
                    "use --block-size 8, for example");
        LmData data;
        if (format.equals("lines")) {
            if (!spec.equals("char"))
                throw new ConfigException("--tokenizer " + spec + " is for text data; line items (--data-format lines) are sequences of characters",
                        "use --tokenizer char, or --data-format text with a sequence model (gpt, transformer, rnn, gru, lstm, bow)");
            double[] pct = splitPercentages(s);
            LineDataset.Shuffle shuffle = splitShuffle(s);
            long splitSeed = s.longValue("split-seed");
            if (shuffle == LineDataset.Shuffle.TORCH && (splitSeed < 0 || splitSeed > 0xffffffffL))
                throw new ConfigException("--split-shuffle torch needs a --split-seed in [0, 2^32), got " + splitSeed,
                        "use --split-seed 3407 (makemore.py's)");
            LineDataset items = LineDataset.fromText(text, splitSeed, shuffle, pct[0], pct[1], path.toString());
            checkArraySize(items, T, windowed(s));
            // window models read fixed windows of each item; sequence models read whole items, padded
            data = windowed(s) ? new LineData(items, T) : new LineSeqData(items, T);
        } else {
            // a saved compacted vocabulary is made again from its full one, so eval finds the tokens training cached
            Tokenizer base = saved instanceof CompactVocab cv ? cv.inner() : saved;
            boolean given = base != null && !(base instanceof CharVocab) && !(base instanceof WordVocab);
            Tokenizer tok = given ? base : Tokenizers.fromSpec(spec, text, s.integer("min-count"));
            // compacting characters or words changes nothing but the checkpoint format: only bigger vocabularies are compacted
            boolean compact = saved != null ? saved instanceof CompactVocab
                    : s.bool("compact-vocab") && !(tok instanceof CharVocab) && !(tok instanceof WordVocab);
            // on stdout with the run's log: stderr holds only an error line when a command fails
            TokenCache cache = new TokenCache(TokenCache.defaultRoot(System.getenv()), runDir == null ? null : runDir.resolve("tokens"),
                    System.out::println);
            data = cache.corpus(text, T, path.toString(), tok, compact);
        }
        return new LoadedData(data, new DatasetRef(s.str("data"), path.toAbsolutePath().toString(), Catalog.sha256(path)));
    }

    /** --split "train/dev/test" in percent, e.g. 80/10/10 (the lectures') or 97/1.5/1.5; each part > 0, sum 100. */
    static double[] splitPercentages(Settings s) {
        String v = s.str("split");
        String[] parts = v.split("/");
        double[] p = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) p[i] = Double.parseDouble(parts[i].trim());
        } catch (NumberFormatException e) {
            p = new double[0];
        }
        if (p.length != 3 || !(p[0] > 0 && p[1] > 0 && p[2] > 0) || Math.abs(p[0] + p[1] + p[2] - 100) > 1e-9)
            throw new ConfigException("--split must be three positive percentages train/dev/test that add up to 100, got '" + v + "'",
                    "use --split 80/10/10 (the lectures' split)");
        return p;
    }

    static LineDataset.Shuffle splitShuffle(Settings s) {
        return switch (s.str("split-shuffle")) {
            case "python" -> LineDataset.Shuffle.PYTHON;
            case "torch" -> LineDataset.Shuffle.TORCH;
            case "nanolm" -> LineDataset.Shuffle.NANOLM;
            default -> throw new ConfigException("--split-shuffle must be python, torch or nanolm, got '" + s.str("split-shuffle") + "'",
                    "use --split-shuffle python (the makemore lectures' split)");
        };
    }

    /**
     * Windows (one per character and item end) or padded items, each T ids, must fit one Java array: a huge
     * --block-size is refused here instead of overflowing an int.
     */
    static void checkArraySize(LineDataset items, int T, boolean windowed) {
        long rows = 0;
        for (var split : java.util.List.of(items.train, items.dev, items.test)) {
            if (!windowed) rows = Math.max(rows, split.size());
            else {
                long n = 0;
                for (String it : split) n += it.codePointCount(0, it.length()) + 1;
                rows = Math.max(rows, n);
            }
        }
        if (rows * (long) Math.max(T, 1) > Integer.MAX_VALUE - 16)
            throw new ConfigException("--block-size " + T + " gives " + rows + " x " + T + " context ids, more than one Java array holds",
                    "use a --block-size of at most " + (Integer.MAX_VALUE - 16) / Math.max(rows, 1) + (windowed ? "" : ", or 0 (longest item + 1)"));
    }

    static boolean windowed(Settings s) { return ModelType.kind(s.str("model")).configClass() == ModelConfig.class; }

    /** The model type's usual data (lines for makemore's models, text for nanoGPT's) unless --data-format says otherwise. */
    static String format(Settings s) {
        String f = s.str("data-format");
        if (f.equals("auto")) return ModelType.kind(s.str("model")).data() == ModelType.Data.LINES ? "lines" : "text";
        if (!f.equals("lines") && !f.equals("text"))
            throw new ConfigException("--data-format must be lines, text or auto, got '" + f + "'", "use --data-format auto");
        if (f.equals("text") && windowed(s))
            throw new ConfigException("--model " + s.str("model") + " reads windows of line items; it cannot train on --data-format text",
                    "use --data-format lines, or a sequence model (gpt, transformer, rnn, gru, lstm, bow) for text");
        return f;
    }
}
