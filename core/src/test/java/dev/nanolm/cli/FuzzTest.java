// Fuzzing for a fixed time (5 s each by default; -Dnanolm.fuzzSeconds=N for longer): random bytes into the data
// loaders and `clean`, odd names into the catalog, random options (real names, random values) into the CLI, random
// small gru-lm and bdh sizes into train. Only the typed exceptions may escape the loaders, and every non-zero exit of
// the CLI must have printed one `error:` line that is not an "internal error" (the catch-all for an exception nobody
// expected).
package dev.nanolm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nanolm.checkpoint.CheckpointException;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Keys;
import dev.nanolm.data.Catalog;
import dev.nanolm.data.DataException;
import dev.nanolm.data.DatasetSpec;
import dev.nanolm.data.LineData;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.LineSeqData;
import dev.nanolm.data.TextCorpus;
import dev.nanolm.data.TextFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzTest {
    static final long SEED = Long.getLong("nanolm.fuzzSeed", System.nanoTime());

    static long deadline() { return System.nanoTime() + (long) (Double.parseDouble(System.getProperty("nanolm.fuzzSeconds", "5")) * 1e9); }

    static boolean typed(Throwable t) { return t instanceof DataException || t instanceof ConfigException || t instanceof CheckpointException; }

    /** Bytes that look like text often enough to reach the parsers: UTF-8 pieces, line breaks, NULs, BOMs, junk. */
    static byte[] randomBytes(Random r) {
        int n = r.nextInt(10) == 0 ? 0 : r.nextInt(r.nextBoolean() ? 40 : 3000);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        String[] pieces = {"a", "bc", "\n", "\r\n", " ", "é", "日本", "😀", "\t", "\u0000", "\uFEFF", ".", "zz\n"};
        while (b.size() < n) {
            switch (r.nextInt(4)) {
                case 0 -> b.write(r.nextInt(256));
                case 1 -> b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                default -> b.writeBytes(pieces[r.nextInt(pieces.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        return b.toByteArray();
    }

    @Test
    void dataLoadersThrowOnlyTypedExceptions(@TempDir Path tmp) throws IOException {
        Random r = new Random(SEED);
        long end = deadline();
        int cases = 0, parsed = 0;
        Path f = tmp.resolve("fuzz.txt");
        while (System.nanoTime() < end) {
            byte[] bytes = randomBytes(r);
            Files.write(f, bytes);
            cases++;
            try {
                String text = TextFiles.readUtf8(f);
                int T = r.nextInt(12) - 2;
                try {
                    LineDataset items = LineDataset.fromText(text, r.nextLong(), f.toString());
                    if (T >= 0) {
                        new LineData(items, Math.max(T, 1));
                        new LineSeqData(items, T);
                    }
                } catch (RuntimeException e) {
                    if (!typed(e)) throw e;
                }
                if (T > 0) new TextCorpus(text, T, f.toString());
                parsed++;
            } catch (RuntimeException e) {
                if (!typed(e)) fail("seed " + SEED + ": " + e + " on bytes " + java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 200)), e);
            }
        }
        System.out.printf("FuzzTest loaders: %d inputs (%d parsed), seed %d%n", cases, parsed, SEED);
        assertTrue(cases > 100, "too few cases: " + cases);
    }

    @Test
    void catalogResolvesOddNamesWithTypedErrors(@TempDir Path tmp) throws IOException {
        // a catalog whose downloads can only fail (file: URLs to nothing), so no name reaches the network
        Catalog cat = new Catalog(Map.of("NANOLM_DATA", tmp.toString(), "HOME", tmp.toString()),
                List.of(new DatasetSpec("names", DatasetSpec.Kind.LINES, "test", List.of(new DatasetSpec.FileSpec("names.txt",
                        tmp.resolve("nowhere/names.txt").toUri().toString(), "0".repeat(64))))));
        Files.createDirectories(tmp.resolve("sub"));
        Random r = new Random(SEED);
        String[] odd = {"", " ", ".", "..", "/", "//", "\u0000", "a\u0000b", "~", "NAMES", "names ", " Names", "na-mes", "sub", "sub/",
                "x".repeat(5000), "../".repeat(50), "日本語", "😀", "C:\\data\\x.txt", "file:///etc/passwd", "http://example.invalid/x", "*", "?"};
        long end = deadline();
        int cases = 0;
        while (System.nanoTime() < end) {
            String name = r.nextInt(3) == 0 ? odd[r.nextInt(odd.length)] : randomString(r);
            cases++;
            try {
                cat.resolve(name);
            } catch (RuntimeException e) {
                if (!typed(e)) fail("seed " + SEED + ": resolve(" + name + ") threw " + e, e);
            }
        }
        System.out.printf("FuzzTest catalog: %d names, seed %d%n", cases, SEED);
    }

    static String randomString(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(20);
        String alphabet = "abcdefnamesNAMES-_./\\ \t\n:?*~é日\u0000";
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** Values a user might type, right or wrong: small and huge numbers, signs, floats, words, nothing. */
    static final String[] VALUES = {"-1", "0", "1", "2", "3", "4", "8", "16", "-0", "0.5", "1e-3", "1e38", "nan", "Infinity", "2147483647",
            "2147483648", "99999999999999999999", "true", "false", "yes", "abc", "", " ", "--", "-", "mlp", "gpt", "bigram", "lstm", "wavenet",
            "bow", "adamw", "cosine", "lines", "text", "best", "last", "0x10", "1_000", "日本", "😀"};

    @Test
    void optionParserGivesAnErrorLineForEveryFailure(@TempDir Path tmp) throws IOException {
        Random r = new Random(SEED);
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < 60; i++) w.append("ab").append((char) ('a' + i % 7)).append((char) ('c' + i % 5)).append('\n');
        Path words = Files.writeString(tmp.resolve("w.txt"), w.toString());
        // a run to point sample/eval at (bigram counts: instant)
        Path run = tmp.resolve("run");
        assertTrue(CliTest.run("train", "--preset", "names-bigram", "--data", words.toString(), "--out", run.toString()).code() == 0);
        List<String> keys = new ArrayList<>(Keys.all().keySet());
        String[] trainOpts = {"--preset", "--data", "--resume", "--overwrite"};
        String[] sampleOpts = {"--checkpoint", "--num-samples", "--prompt", "--tokens", "--temperature", "--top-k", "--top-p", "--seed", "--max-length"};
        String[] evalOpts = {"--checkpoint", "--batch-size", "--threads"};
        long end = deadline();
        int cases = 0, ok = 0;
        while (System.nanoTime() < end) {
            List<String> a = new ArrayList<>();
            String cmd = new String[] {"train", "train", "train", "sample", "eval", "presets", "datasets", "help", "lr-find", "embeddings"}[r.nextInt(10)];
            a.add(cmd);
            int n = r.nextInt(6);
            switch (cmd) {
                case "train" -> {
                    for (int i = 0; i < n; i++) {
                        boolean own = r.nextInt(4) == 0;
                        String opt = own ? trainOpts[r.nextInt(trainOpts.length)] : "--" + keys.get(r.nextInt(keys.size()));
                        if (opt.equals("--data") || opt.equals("--preset") && r.nextBoolean()) continue; // data: below; preset: sometimes
                        a.add(opt);
                        if (opt.equals("--preset")) a.add(r.nextBoolean() ? dev.nanolm.config.Presets.names().get(r.nextInt(dev.nanolm.config.Presets.names().size())) : randomString(r));
                        else if (!opt.equals("--resume") && !opt.equals("--overwrite")) a.add(value(r));
                    }
                    // bounded work whatever the random values were: small data, few steps, a fresh folder (these come last and win)
                    a.addAll(List.of("--data", words.toString(), "--out", tmp.resolve("t" + cases).toString(), "--max-iters", "3",
                            "--eval-iters", "2", "--sample-tokens", "5", "--eval-samples", "2", "--lr-decay-iters", "0", "--diagnostics-interval", "1000"));
                    dedupeOwnOptions(a);
                    // a legal but huge --grad-accum would run 2^31 micro-batches per step: keep the work bounded
                    int ga = a.indexOf("--grad-accum");
                    if (ga >= 0 && ga + 1 < a.size() && a.get(ga + 1).matches("[0-9_]{2,}")) a.set(ga + 1, "2");
                }
                case "sample", "eval", "embeddings" -> {
                    a.addAll(List.of("--run", r.nextInt(5) == 0 ? randomString(r) : run.toString()));
                    String[] opts = cmd.equals("sample") ? sampleOpts : evalOpts;
                    for (int i = 0; i < n; i++) {
                        String o = opts[r.nextInt(opts.length)];
                        if (a.contains(o)) continue;
                        a.add(o);
                        a.add(o.equals("--tokens") || o.equals("--num-samples") || o.equals("--max-length") ? String.valueOf(r.nextInt(40) - 5) : value(r));
                    }
                    if (cmd.equals("embeddings")) a.addAll(List.of("--out", tmp.resolve("e" + cases + ".png").toString()));
                }
                case "lr-find" -> a.addAll(List.of("--preset", "names-mlp", "--data", words.toString(), "--steps", r.nextBoolean() ? value(r) : "5",
                        "--min-lr", value(r), "--max-lr", value(r), "--out", tmp.resolve("l" + cases).toString()));
                default -> { if (r.nextBoolean()) a.add(r.nextBoolean() ? randomString(r) : value(r)); }
            }
            cases++;
            String[] args = a.toArray(String[]::new);
            if (runsOrFailsCleanly(args, false, true, "")) ok++;
        }
        System.out.printf("FuzzTest CLI: %d command lines (%d succeeded), seed %d%n", cases, ok, SEED);
        assertTrue(cases > 20, "too few cases: " + cases);
    }

    @Test
    void cleanTakesRandomBytesAsJsonlOrText(@TempDir Path tmp) throws IOException {
        Random r = new Random(SEED);
        String[] fields = {"text", "content", "quality_ai", "q", ""};
        String[] pieces = {"{\"text\": \"", "\"}", "{", "}", "\"", ",", ":", "[", "]", "\\", "\\u00", "\\n", "null", "1e999", "-0",
                "\"quality_ai\": \"HIGH\"", "\"quality_ai\": 0.3", "404 Not Found", "ISBN 978-3-16-148410-0", "\n", "\n\n", " "};
        long end = deadline();
        int cases = 0, ok = 0;
        while (System.nanoTime() < end) {
            // half JSON-shaped pieces (to reach the parser and the rules), half the loaders' random bytes
            byte[] bytes;
            if (r.nextBoolean()) bytes = randomBytes(r);
            else {
                StringBuilder sb = new StringBuilder();
                for (int i = r.nextInt(200); i > 0; i--) sb.append(pieces[r.nextInt(pieces.length)]);
                bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            String ext = new String[] {".jsonl", ".txt", ".dat"}[r.nextInt(3)];
            Path in = Files.write(tmp.resolve("in" + cases + ext), bytes);
            List<String> a = new ArrayList<>(List.of("clean", "--in", in.toString(), "--out", tmp.resolve("out" + cases + ext).toString(),
                    "--min-chars", String.valueOf(r.nextInt(30))));
            if (r.nextBoolean()) a.addAll(List.of("--records", r.nextBoolean() ? "lines" : "paragraphs"));
            if (r.nextBoolean()) a.addAll(List.of("--text-field", fields[r.nextInt(fields.length)]));
            if (r.nextBoolean()) a.addAll(List.of("--min-quality", r.nextBoolean() ? "MEDIUM" : value(r)));
            if (r.nextBoolean()) a.addAll(List.of("--quality-field", fields[r.nextInt(fields.length)]));
            if (r.nextInt(4) == 0) a.addAll(List.of("--error-page-max-chars", value(r)));
            cases++;
            String[] args = a.toArray(String[]::new);
            if (runsOrFailsCleanly(args, true, false, " on bytes " + java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 200)))) {
                ok++;
                continue;
            }
            // a refused corpus leaves no output behind
            assertTrue(!Files.exists(tmp.resolve("out" + cases + ext)), "output left by a failed clean: " + String.join(" ", args));
        }
        System.out.printf("FuzzTest clean: %d inputs (%d cleaned), seed %d%n", cases, ok, SEED);
        assertTrue(cases > 20, "too few cases: " + cases);
    }

    @Test
    void smallRandomGruLmAndBdhModelsTrainOrGiveAnErrorLine(@TempDir Path tmp) throws IOException {
        Random r = new Random(SEED);
        Path text = Files.writeString(tmp.resolve("t.txt"), "the cat sat on the mat; the dog ate the log.\n".repeat(40));
        long end = deadline();
        int cases = 0, ok = 0;
        while (System.nanoTime() < end) {
            boolean bdh = r.nextBoolean();
            List<String> a = new ArrayList<>(List.of("train", "--model", bdh ? "bdh" : "gru-lm", "--data", text.toString(),
                    "--out", tmp.resolve("m" + cases).toString(), "--max-iters", "2", "--eval-interval", "2", "--eval-iters", "1",
                    "--sample-tokens", "3", "--log-interval", "1000", "--threads", "1",
                    "--n-embd", size(r, 12), "--n-layer", size(r, 3), "--block-size", size(r, 12), "--batch-size", size(r, 5)));
            if (bdh) a.addAll(List.of("--n-head", size(r, 4), "--mlp-multiplier", size(r, 8)));
            else a.addAll(List.of("--n-hidden", size(r, 12)));
            if (r.nextBoolean()) a.addAll(List.of("--dropout", new String[] {"0", "0.1", "0.5", "0.99", "1", "-0.1"}[r.nextInt(6)]));
            if (r.nextInt(4) == 0) a.addAll(List.of("--tokenizer", r.nextBoolean() ? "word" : "byte"));
            cases++;
            String[] args = a.toArray(String[]::new);
            if (runsOrFailsCleanly(args, true, true, "")) ok++;
        }
        System.out.printf("FuzzTest gru-lm/bdh: %d models (%d trained), seed %d%n", cases, ok, SEED);
        assertTrue(cases > 5, "too few cases: " + cases);
    }

    /**
     * Runs a command line through Main.run: true when it exits 0; otherwise it must have printed one `error:` line
     * (with a hint when hintRequired), not an internal error (nor out of memory when oomForbidden) and no stack trace.
     * context adds to the failure message (e.g. the input bytes).
     */
    static boolean runsOrFailsCleanly(String[] args, boolean hintRequired, boolean oomForbidden, String context) {
        CliTest.Result res;
        try {
            res = CliTest.run(args);
        } catch (Throwable t) {
            throw new AssertionError("seed " + SEED + ": Main.run threw for " + String.join(" ", args), t);
        }
        if (res.code() == 0) return true;
        String first = res.err().lines().findFirst().orElse("");
        if (!first.startsWith("error: ") || hintRequired && !first.contains("(hint: ") || first.startsWith("error: internal error")
                || oomForbidden && first.startsWith("error: out of memory") || res.err().contains("\tat "))
            fail("seed " + SEED + ": exit " + res.code() + " for `nanolm " + String.join(" ", args) + "`" + context + " printed:\n" + res.err());
        return false;
    }

    /** Mostly 1..max, sometimes 0 or -1 (most sizes are legal, so most runs reach the model code). */
    static String size(Random r, int max) { return String.valueOf(r.nextInt(10) == 0 ? -r.nextInt(2) : 1 + r.nextInt(max)); }

    static String value(Random r) { return r.nextInt(5) == 0 ? randomString(r) : VALUES[r.nextInt(VALUES.length)]; }

    /** picocli refuses a repeated --preset or --out (a usage error, fine, but it would hide the rest): keep the last. */
    static void dedupeOwnOptions(List<String> a) {
        for (String o : new String[] {"--preset", "--data", "--out"}) {
            int last = a.lastIndexOf(o);
            for (int i = a.size() - 1; i >= 0; i--) {
                if (i != last && a.get(i).equals(o)) {
                    a.remove(i + 1 < a.size() && !o.equals("--resume") ? i + 1 : i); // its value
                    a.remove(i);
                    last = a.lastIndexOf(o);
                }
            }
        }
    }
}
