// Every kind of bad input issue 8 lists, through the CLI: exit code (2 usage, 1 data), one `error:` line with a hint
// that names the problem, no stack trace. In-process through Main.run (fast); a handful again in a child JVM to prove
// the real entry point behaves the same. CSV cases (the classifiers' data) are here too.
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BadInputTest {
    @TempDir static Path tmp;
    static Path words, text, textRun, itemRun, aFile;

    /** A small fixture set: a word list, a text, a trained text run and a trained line run. */
    @BeforeAll
    static void fixtures() throws IOException {
        StringBuilder w = new StringBuilder();
        String[] syl = {"an", "be", "ca", "do", "el", "fi", "ga", "ho"};
        for (int i = 0; i < 400; i++) w.append(syl[i % 8]).append(syl[(i / 8) % 8]).append(syl[(i / 64) % 8]).append('\n');
        words = Files.writeString(tmp.resolve("words.txt"), w.toString());
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < 200; i++) t.append("to be or not to be, that is the question.\n");
        text = Files.writeString(tmp.resolve("text.txt"), t.toString());
        aFile = Files.writeString(tmp.resolve("plain-file"), "x");
        textRun = tmp.resolve("text-run");
        assertEquals(0, run("train", "--model", "gpt", "--data", text.toString(), "--out", textRun.toString(), "--block-size", "8",
                "--n-layer", "1", "--n-head", "2", "--n-embd", "8", "--optimizer", "adamw", "--learning-rate", "1e-3", "--max-iters", "2",
                "--eval-interval", "1", "--eval-iters", "1", "--batch-size", "4", "--sample-tokens", "5").code());
        itemRun = tmp.resolve("item-run");
        assertEquals(0, run("train", "--preset", "names-mlp", "--data", words.toString(), "--out", itemRun.toString(), "--max-iters", "2",
                "--eval-interval", "1", "--eval-samples", "0").code());
        newCommandFixtures();
    }

    static Path jsonl, agTrain, agTest, bowRun, lmRun;

    /** This session's commands: a JSONL corpus, an AG News sample, a finished bow classifier run, an LM run for compare. */
    static void newCommandFixtures() throws IOException {
        StringBuilder j = new StringBuilder();
        for (int i = 0; i < 30; i++) j.append("{\"text\": \"record ").append(i).append(" says something long enough to keep.\", \"quality_ai\": \"HIGH\"}\n");
        jsonl = Files.writeString(tmp.resolve("corpus.jsonl"), j.toString());
        List<String> tr = Files.readAllLines(TestData.file("ag_news/train.csv")), te = Files.readAllLines(TestData.file("ag_news/test.csv"));
        List<String> a = new ArrayList<>(), b = new ArrayList<>(); // every class: the files are grouped by class
        for (int i = 0; i < tr.size(); i += tr.size() / 200) a.add(tr.get(i));
        for (int i = 0; i < te.size(); i += te.size() / 40) b.add(te.get(i));
        agTrain = Files.write(tmp.resolve("ag-train.csv"), a);
        agTest = Files.write(tmp.resolve("ag-test.csv"), b);
        bowRun = tmp.resolve("bow-run");
        CliTest.Result trained = run(bow("bow-run", "--out", bowRun.toString()));
        assertEquals(0, trained.code(), trained.err());
        lmRun = tmp.resolve("lm-run");
        assertEquals(0, run(gpt("lm", "--out", lmRun.toString(), "--eval-interval", "2", "--eval-iters", "1", "--sample-tokens", "5")).code());
    }

    /** classify train --preset agnews-bow on the AG News sample for one epoch into a fresh folder. */
    static String[] bow(String name, String... more) {
        String[] train = merge(new String[] {"train", "--preset", "agnews-bow", "--data", agTrain.toString(), "--test-data", agTest.toString(),
                "--epochs", "1", "--min-count", "0", "--out", out(name)}, more);
        return Stream.concat(Stream.of("classify"), Stream.of(train)).toArray(String[]::new);
    }

    static String[] clean(String... more) {
        return merge(new String[] {"clean", "--in", jsonl.toString(), "--out", out("cleaned.jsonl")}, more);
    }

    /** A copy of the LM run, changed by edit (for compare's damaged runs). */
    static String lmCopy(String name, java.util.function.Consumer<Path> edit) { return copy(lmRun, name, edit); }

    /** A copy of a run, changed by edit. */
    static String copy(Path run, String name, java.util.function.Consumer<Path> edit) {
        Path dir = tmp.resolve(name);
        if (Files.exists(dir)) return dir.toString(); // cases() is listed more than once
        try (Stream<Path> files = Files.walk(run)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(run.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        edit.accept(dir);
        return dir.toString();
    }

    static Path file(String name, byte[] bytes) {
        try {
            return Files.write(tmp.resolve(name), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path file(String name, String text) { return file(name, text.getBytes(StandardCharsets.UTF_8)); }

    static String out(String name) { return tmp.resolve("out-" + name).toString(); }

    /** train --preset names-mlp on the word list into a fresh folder; more options replace the base ones of that name. */
    static String[] mlp(String name, String... more) {
        return merge(new String[] {"train", "--preset", "names-mlp", "--data", words.toString(), "--out", out(name), "--max-iters", "2"}, more);
    }

    /** train a small gpt on the text into a fresh folder, likewise. */
    static String[] gpt(String name, String... more) {
        return merge(new String[] {"train", "--model", "gpt", "--data", text.toString(), "--out", out(name), "--block-size", "8",
                "--n-layer", "1", "--n-head", "2", "--n-embd", "8", "--max-iters", "2", "--batch-size", "4"}, more);
    }

    /** base (a command, then --option value pairs) with more's pairs replacing or adding; a last lone flag stays last. */
    static String[] merge(String[] base, String[] more) {
        java.util.LinkedHashMap<String, String> kv = new java.util.LinkedHashMap<>();
        for (int i = 1; i < base.length; i += 2) kv.put(base[i], base[i + 1]);
        String lone = null;
        for (int i = 0; i < more.length; i += 2) {
            if (i + 1 < more.length) kv.put(more[i], more[i + 1]);
            else lone = more[i];
        }
        List<String> a = new ArrayList<>(List.of(base[0]));
        kv.forEach((k, v) -> { a.add(k); a.add(v); });
        if (lone != null) a.add(lone);
        return a.toArray(String[]::new);
    }

    static Arguments c(String name, int code, String mentions, String... args) { return Arguments.of(name, code, mentions, args); }

    static Stream<Arguments> cases() {
        return Stream.of(
                // data files
                c("missing data file", 1, "no such file", mlp("missing", "--data", tmp.resolve("nope.txt").toString())),
                c("empty data file", 1, "is empty", mlp("empty", "--data", file("empty.txt", "").toString())),
                c("only a byte-order mark", 1, "byte-order mark", mlp("bom", "--data", file("bom.txt", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}).toString())),
                c("binary data file", 1, "NUL byte at offset 4", mlp("binary", "--data", file("bin.dat", new byte[] {'a', 'b', 'c', '\n', 0, 1, 2, (byte) 0xFF}).toString())),
                c("non-UTF-8 data file", 1, "bad byte 0xE9 at offset 7", mlp("latin1", "--data", file("latin1.txt", new byte[] {'a', 'n', 'n', 'a', '\n', 'r', 'e', (byte) 0xE9, 'e', '\n'}).toString())),
                c("truncated UTF-8 sequence at the end", 1, "at offset 3", mlp("cut-utf8", "--data", file("cut.txt", new byte[] {'a', 'b', '\n', (byte) 0xC3}).toString())),
                c("UTF-16 data file", 1, "UTF-16", mlp("utf16", "--data", file("utf16.txt", "ab\ncd\n".getBytes(StandardCharsets.UTF_16)).toString())),
                c("data path is a directory", 1, "is a directory", mlp("dir", "--data", tmp.toString())),
                c("unknown dataset name", 1, "did you mean 'names'", mlp("unknown-ds", "--data", "nmaes")),
                c("line dataset with no lines", 1, "0 non-empty line(s)", mlp("nolines", "--data", file("blank.txt", "  \n\n \t \n").toString())),
                c("line dataset with two lines", 1, "2 non-empty line(s)", mlp("twolines", "--data", file("two.txt", "anna\nbob\n").toString())),
                c("corpus shorter than block_size + 1", 1, "block-size + 1 = 65", gpt("short", "--data", file("short.txt", "hello world, this is short.\n".repeat(3)).toString(), "--block-size", "64")),
                // model sizes
                c("n-embd not divisible by n-head", 2, "not a multiple of n-head", gpt("heads", "--n-embd", "10", "--n-head", "4")),
                c("zero n-embd", 2, "must be positive", mlp("zero-embd", "--n-embd", "0")),
                c("negative n-hidden", 2, "must be positive, got -3", mlp("neg-hidden", "--n-hidden", "-3")),
                c("zero n-layer", 2, "must be positive", gpt("zero-layer", "--n-layer", "0")),
                c("zero n-head", 2, "must be positive", gpt("zero-head", "--n-head", "0")),
                c("negative block-size", 2, "--block-size must be positive", mlp("neg-block", "--block-size", "-1")),
                c("negative batch-size", 2, "--batch-size must be >= 0", mlp("neg-batch", "--batch-size", "-1")),
                c("zero max-iters", 2, "--max-iters must be positive", mlp("zero-iters", "--max-iters", "0")),
                c("zero eval-interval", 2, "--eval-interval must be positive", mlp("zero-eval", "--eval-interval", "0")),
                c("zero grad-accum", 2, "--grad-accum must be positive", mlp("zero-accum", "--grad-accum", "0")),
                c("dropout of 1.5", 2, "--dropout must be in [0, 1)", gpt("dropout", "--dropout", "1.5")),
                c("bigram with a window", 2, "--block-size must be 1", mlp("bigram", "--model", "bigram", "--block-size", "3")),
                c("wavenet block not a power of two", 2, "power of two", mlp("wavenet", "--model", "wavenet", "--block-size", "3")),
                c("split that does not add up", 2, "add up to 100", mlp("split", "--split", "80/10/5")),
                c("unknown BatchNorm variance", 2, "--bn-variance must be biased or unbiased", mlp("bnvar", "--model", "mlp-bn", "--bn-variance", "bessel")),
                c("unknown split shuffle", 2, "--split-shuffle must be python, torch or nanolm", mlp("shuffle", "--split-shuffle", "numpy")),
                c("torch split with a negative seed", 2, "needs a --split-seed in [0, 2^32)", mlp("torchseed", "--split-shuffle", "torch", "--split-seed", "-1")),
                c("block too short for the longest item", 1, "fits items of up to", mlp("seqblock", "--model", "gru", "--block-size", "3")),
                c("too many threads", 2, "--threads 100000", mlp("threads", "--threads", "100000")),
                // names of things
                c("unknown preset", 2, "did you mean names-mlp", new String[] {"train", "--preset", "names-mpl"}),
                c("unknown setting", 2, "did you mean --learning-rate", mlp("key", "--learning-rat", "0.1")),
                c("unknown setting as --key=value", 2, "did you mean --n-embd", mlp("key2", "--n-emdb=3")),
                c("unknown model type", 2, "did you mean mlp", mlp("type", "--model", "mpl")),
                c("unknown data format", 2, "--data-format must be", mlp("format", "--data-format", "csv")),
                c("not a number", 2, "--max-iters must be an integer, got 'many'", mlp("nan1", "--max-iters", "many")),
                c("not a finite number", 2, "--learning-rate must be a number", mlp("nan2", "--learning-rate", "NaN")),
                c("not a boolean", 2, "--bias must be true or false", gpt("bool", "--bias", "maybe")),
                c("a setting without its value", 2, "--n-embd needs a value", mlp("novalue", "--n-embd")),
                c("unknown command", 2, "train", new String[] {"trian"}),
                c("unknown option of sample", 2, "--nmu-samples", new String[] {"sample", "--run", "x", "--nmu-samples", "3"}),
                // sampling
                c("prompt outside the vocabulary (listed)", 2, "characters not in the vocabulary: '\\t' 'Q' 'Z'",
                        new String[] {"sample", "--run", textRun.toString(), "--prompt", "to Z\tQ", "--tokens", "5"}),
                c("--tokens 0", 2, "--tokens must be positive, got 0", new String[] {"sample", "--run", textRun.toString(), "--tokens", "0"}),
                c("--tokens -5", 2, "--tokens must be positive, got -5", new String[] {"sample", "--run", textRun.toString(), "--tokens", "-5"}),
                c("--num-samples 0", 2, "--num-samples must be positive", new String[] {"sample", "--run", itemRun.toString(), "--num-samples", "0"}),
                c("negative temperature", 2, "temperature", new String[] {"sample", "--run", itemRun.toString(), "--temperature", "-1"}),
                c("top-p above 1", 2, "top", new String[] {"sample", "--run", itemRun.toString(), "--top-p", "2"}),
                c("empty prompt", 2, "--prompt is empty", new String[] {"sample", "--run", textRun.toString(), "--prompt", ""}),
                c("--checkpoint neither best nor last", 2, "--checkpoint must be best or last", new String[] {"sample", "--run", itemRun.toString(), "--checkpoint", "middle"}),
                c("sample from a folder that is no run", 1, "no checkpoint at", new String[] {"sample", "--run", tmp.toString()}),
                c("sample from a missing run", 1, "no run directory", new String[] {"sample", "--run", tmp.resolve("none").toString()}),
                c("eval --batch-size 0", 2, "--batch-size must be positive", new String[] {"eval", "--run", itemRun.toString(), "--batch-size", "0"}),
                c("eval --threads -2", 2, "--threads must be 0 to", new String[] {"eval", "--run", itemRun.toString(), "--threads", "-2"}),
                // output and resume
                c("output directory under a regular file", 1, "is a file, not a folder", mlp("under-file", "--out", aFile.resolve("run").toString())),
                c("output directory is a regular file", 1, "is a file, not a folder", mlp("is-file", "--out", aFile.toString())),
                c("a finished run without --overwrite", 2, "already holds a run", mlp("again", "--out", itemRun.toString())),
                c("--resume without --out", 2, "--resume needs --out", new String[] {"train", "--resume"}),
                c("resume of a folder with no run", 1, "nothing to resume", new String[] {"train", "--out", tmp.resolve("no-run").toString(), "--resume"}),
                c("resume whose settings conflict with the checkpoint", 1, "--n-embd 10 (checkpoint) vs 16 (this run)",
                        new String[] {"train", "--out", itemRun.toString(), "--resume", "--n-embd", "16", "--max-iters", "3"}),
                c("resume on other data (vocabulary listed)", 1, "only in this run's data: 'Q'",
                        new String[] {"train", "--out", itemRun.toString(), "--resume", "--data", file("words-q.txt", "anbeca\nQbedo\ncadofi\n").toString(), "--max-iters", "3"}),
                // memory
                c("a batch too big for the heap", 2, "use --batch-size", gpt("memory", "--n-embd", "384", "--n-head", "6", "--n-layer", "6", "--block-size", "256",
                        "--data", file("long.txt", "to be or not to be, that is the question.\n".repeat(100)).toString(), "--batch-size", "5000")),
                c("sizes beyond Java's array limit", 2, "more than Java's limit", gpt("array", "--n-embd", "2000000000", "--n-head", "1")),
                // clean
                c("clean: missing input", 1, "no such file", clean("--in", tmp.resolve("nope.jsonl").toString())),
                c("clean: empty input", 1, "is empty", clean("--in", file("empty.jsonl", "").toString())),
                c("clean: binary input", 1, "not valid UTF-8", clean("--in", file("bin.jsonl", new byte[] {'{', (byte) 0xFF, 0, 1, (byte) 0x80, '\n'}).toString())),
                c("clean: input is a directory", 1, "is a directory", clean("--in", tmp.toString())),
                c("clean: --out is a directory", 2, "--out " + tmp + " is a directory", clean("--out", tmp.toString())),
                c("clean: --out under a regular file", 1, "plain-file", clean("--out", aFile.resolve("cleaned.jsonl").toString())),
                c("clean: --out is the input", 2, "is the input file", clean("--out", jsonl.toString())),
                c("clean: --report is a directory", 2, "--report " + tmp + " is a directory", clean("--out", out("report-dir.jsonl"), "--report", tmp.toString())),
                c("clean: unknown --min-quality level", 2, "neither a number nor one of --quality-levels", clean("--min-quality", "SUPER")),
                c("clean: --text-field in no record", 1, "no record of", clean("--text-field", "body")),
                c("clean: negative --min-chars", 2, "--min-chars must be 0 or more, got -5", clean("--min-chars", "-5")),
                c("clean: unknown --format", 2, "--format", clean("--format", "xml")),
                // compare
                c("compare: no runs", 2, "RUN", new String[] {"compare", "--out", out("cmp")}),
                c("compare: a run that is a file", 1, "no run directory at", new String[] {"compare", aFile.toString(), "--out", out("cmp")}),
                c("compare: a run without summary.json", 1, "has no summary.json", new String[] {"compare", lmCopy("no-summary", d -> delete(d.resolve("summary.json"))), "--out", out("cmp")}),
                c("compare: a run without checkpoints", 1, "no checkpoint at", new String[] {"compare", lmCopy("no-ckpt", d -> delete(d.resolve("checkpoints/last.safetensors"))), "--out", out("cmp")}),
                c("compare: a garbled summary.json", 1, "cannot read", new String[] {"compare", lmCopy("bad-summary", d -> write(d.resolve("summary.json"), "{\"model\": ")), "--out", out("cmp")}),
                c("compare: a classifier run", 1, "not a", new String[] {"compare", bowRun.toString(), "--out", out("cmp")}),
                c("compare: a run given twice", 2, "is given twice", new String[] {"compare", lmRun.toString(), lmRun.toString(), "--out", out("cmp")}),
                c("compare: --tokens 0", 2, "--tokens must be positive, got 0", new String[] {"compare", lmRun.toString(), "--tokens", "0", "--out", out("cmp")}),
                c("compare: --tokens -1", 2, "--tokens must be positive, got -1", new String[] {"compare", lmRun.toString(), "--tokens", "-1", "--out", out("cmp")}),
                c("compare: --tokens huge", 2, "more than the timing needs", new String[] {"compare", lmRun.toString(), "--tokens", "2000000000", "--out", out("cmp")}),
                c("compare: --out a file", 1, "is a file, not a folder", new String[] {"compare", lmRun.toString(), "--out", aFile.toString()}),
                // --max-time
                c("--max-time garbage", 2, "--max-time must be a duration", gpt("mt1", "--max-time", "garbage")),
                c("--max-time negative", 2, "--max-time must be >= 0", gpt("mt2", "--max-time", "-1")),
                c("--max-time 10x", 2, "got '10x'", gpt("mt3", "--max-time", "10x")),
                // --tokenizer word
                c("word tokenizer, --min-count above every count", 1, "the vocabulary would be only <unk>", gpt("word1", "--tokenizer", "word", "--min-count", "1000000")),
                c("word tokenizer on a text without letters", 1, "has no words", gpt("word2", "--tokenizer", "word", "--data", file("dots.txt", ". , ; ! ?\n".repeat(50)).toString())),
                c("word tokenizer, negative --min-count", 2, "--min-count must be 0 or more", gpt("word3", "--tokenizer", "word", "--min-count", "-1")),
                c("sample --tokenizer of another kind", 2, "is not the run's tokenizer", new String[] {"sample", "--run", textRun.toString(), "--tokenizer", "word"}),
                // gru-lm and bdh
                c("bdh --mlp-multiplier 0", 2, "--mlp-multiplier must be positive", bdh("mm0", "--mlp-multiplier", "0")),
                c("bdh odd neurons per head", 2, "even number of neurons per head", bdh("mm-odd", "--n-embd", "9", "--mlp-multiplier", "1")),
                c("bdh neurons beyond a CPU run", 2, "far beyond a CPU run", bdh("mm-far", "--mlp-multiplier", "1000000000")),
                c("bdh too big for the heap", 2, "training needs about", bdh("mm-heap", "--mlp-multiplier", "2000000")),
                c("bdh --n-layer 0", 2, "--n-layer must be positive", bdh("bdh-l0", "--n-layer", "0")),
                c("gru-lm --n-layer 0", 2, "--n-layer must be positive", gpt("grulm-l0", "--model", "gru-lm", "--n-layer", "0")),
                // classify
                c("classify --resume of no run", 1, "nothing to resume", new String[] {"classify", "train", "--out", tmp.resolve("no-run").toString(), "--resume"}),
                c("classify --resume of a language-model run", 1, "is a language-model run", new String[] {"classify", "train", "--out", textRun.toString(), "--resume"}),
                c("train --resume of a classifier run", 1, "is a text-classifier run", new String[] {"train", "--out", bowRun.toString(), "--resume"}),
                c("classify --ngram-buckets -1", 2, "--ngram-buckets must be >= 0", bow("nb-neg", "--ngram-buckets", "-1")),
                c("classify --ngram-buckets beyond an array", 2, "--ngram-buckets 100000000 x --n-embd 32", bow("nb-huge", "--ngram-buckets", "100000000")),
                c("classify predict on an empty --file", 1, "is empty", new String[] {"classify", "predict", "--run", bowRun.toString(), "--file", file("empty-lines.txt", "").toString()}),
                c("classify predict on blank lines", 2, "nothing to label", new String[] {"classify", "predict", "--run", bowRun.toString(), "--file", file("blank-lines.txt", "\n \n").toString()}),
                c("classify predict with a language-model run", 1, "not a text classifier", new String[] {"classify", "predict", "--run", textRun.toString(), "really"}));
    }

    /** train a small bdh on the text, likewise. */
    static String[] bdh(String name, String... more) {
        return merge(gpt(name, "--model", "bdh", "--mlp-multiplier", "4"), more);
    }

    static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGivesACleanError(String name, int code, String mentions, String[] args) {
        CliTest.Result r = run(args);
        assertCleanError(r, code, mentions);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), "one error line: " + r.err());
    }

    @Test
    void theCaseCountIsWhatTheReadmeSays() {
        assertEquals(107, cases().count());
    }

    /** The real entry point: the exit code reaches the OS, one error line, no stack trace. */
    @ParameterizedTest(name = "child JVM: {0}")
    @MethodSource("childCases")
    void theRealEntryPointPrintsNoStackTrace(String name, int code, String mentions, String[] args) throws Exception {
        ChildProcessCliTest.Result r = ChildProcessCliTest.child(args);
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("(hint: ") && r.err().contains(mentions), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    static Stream<Arguments> childCases() {
        return cases().filter(a -> List.of("non-UTF-8 data file", "unknown setting", "prompt outside the vocabulary (listed)",
                "output directory under a regular file", "a batch too big for the heap",
                "clean: binary input", "compare: a garbled summary.json").contains((String) a.get()[0]));
    }

    @Test
    void everyBundledPresetFitsTheLaunchersDefaultHeap() {
        // bin/nanolm runs with -Xmx8g; the estimate must never refuse a bundled preset there
        for (String name : dev.nanolm.config.Presets.names()) {
            if (dev.nanolm.config.Presets.load(name).values().containsKey("epochs")) continue; // classifiers: `classify train`
            dev.nanolm.config.Settings s = TrainCommand.resolveSettings(name, null, List.of());
            int vocab = s.str("data").equals("shakespeare") ? 65 : 27;
            if (s.integer("block-size") == 0) s.set("block-size", "16"); // names: longest + 1
            var cfg = dev.nanolm.models.ModelType.config(s, vocab);
            long B = s.integer("batch-size") == 0 ? 182_625 : s.integer("batch-size");
            var est = dev.nanolm.train.MemoryEstimate.of(cfg, B);
            est.check(8L << 30, B, s.integer("block-size"));
            assertTrue(est.totalBytes() > 0, name);
        }
        // and the biggest one is refused with a quarter of that, naming a batch that fits
        dev.nanolm.config.Settings s = TrainCommand.resolveSettings("shakespeare-char", null, List.of());
        var est = dev.nanolm.train.MemoryEstimate.of(dev.nanolm.models.ModelType.config(s, 65), 64);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.nanolm.config.ConfigException.class, () -> est.check(2L << 30, 64, 256));
        assertTrue(e.hint().matches("use --batch-size \\d+ or less \\(with --grad-accum \\d+ .*"), e.hint());
    }

    @Test
    void classifyResumeOfARunFromBeforeResumableRunsIsRefused() {
        // a classifier checkpoint as written before --resume existed: no optimizer state, no progress metadata
        Path old = Path.of(copy(bowRun, "bow-old", d -> {
            Path last = d.resolve("checkpoints/last.safetensors");
            dev.nanolm.checkpoint.Checkpoint ck = dev.nanolm.checkpoint.Checkpoint.load(last);
            ck.tensors().keySet().removeIf(k -> k.startsWith(dev.nanolm.checkpoint.Checkpoint.OPTIM_PREFIX));
            ck.metadata().keySet().removeIf(k -> k.startsWith("optim") || k.startsWith("rng") || k.startsWith("epoch"));
            ck.save(last);
        }));
        CliTest.Result r = run("classify", "train", "--out", old.toString(), "--resume");
        assertCleanError(r, 1, "start a new run");
        assertTrue(r.err().contains("predates") || r.err().contains("written before"), r.err());
    }

    @Test
    void nothingIsLeftBehindByARefusedRun() {
        // a usage error found before the data is loaded creates no output folder
        run(mlp("left-behind", "--n-embd", "0"));
        assertFalse(Files.exists(Path.of(out("left-behind"))));
    }

    static Path names() { return TestData.file("names.txt"); }
}
