// Tokenizers through the CLI: `tokenizer train` and `tokenize`, a tiny GPT trained on BPE tokens of Tiny Shakespeare
// (its loss falls, eval gives bits per character, sample decodes), and bad tokenizer inputs as one `error:` line.
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.testing.TestData;
import dev.nanolm.train.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCliTest {
    @TempDir static Path tmp;
    static Path merges;
    static final String SHAKESPEARE = TestData.file("tinyshakespeare.txt").toString();
    static final String[] TINY = {"--preset", "shakespeare-char-baby", "--n-layer", "2", "--n-head", "2", "--n-embd", "32",
            "--block-size", "32", "--batch-size", "8", "--warmup-iters", "10", "--lr-decay-iters", "300", "--eval-iters", "5",
            "--log-interval", "50", "--sample-tokens", "20", "--data", SHAKESPEARE};

    @BeforeAll
    static void trainMerges() {
        merges = tmp.resolve("shakespeare-512.bpe");
        CliTest.Result r = run("tokenizer", "train", "--data", SHAKESPEARE, "--vocab-size", "512", "--out", merges.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained bpe-512") && r.out().contains("255 merges, 1 special token"), r.out());
        assertTrue(Files.exists(merges));
    }

    @Test
    void tokenizeReportsCountsCoverageAndRoundTrip() {
        CliTest.Result r = run("tokenize", "--tokenizer", "bpe:" + merges, "--data", SHAKESPEARE, "--show", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokenizer: bpe-512 (512 tokens"), r.out());
        assertTrue(r.out().matches("(?s).*chars per token: 2\\.0\\d\\d.*"), r.out());
        assertTrue(r.out().contains("vocabulary coverage: "), r.out());
        assertTrue(r.out().contains("first 5 tokens: 70 "), r.out());
        assertTrue(r.out().contains("as text: 'F' "), r.out());
        assertTrue(r.out().contains("round trip: exact"), r.out());
        CliTest.Result names = run("tokenize", "--tokenizer", "tiktoken:cl100k_base", "--data", TestData.file("names.txt").toString(), "--show", "3");
        assertTrue(names.out().contains("round trip: exact"), names.out());
        assertTrue(TokenizeCommand.firstDifference("abc🐉x", "abc🐉y") == 4);
    }

    @Test
    @SuppressWarnings("unchecked")
    void tinyGptOnBpeTokensLearnsEvaluatesAndSamples() throws Exception {
        Path runDir = tmp.resolve("bpe-run");
        CliTest.Result t = run(merge(TINY, "train", "--tokenizer", "bpe:" + merges, "--max-iters", "200", "--eval-interval", "100", "--out", runDir.toString()));
        assertEquals(0, t.code(), t.err());
        Map<String, Object> s = RunDir.JSON.readValue(runDir.resolve("summary.json").toFile(), Map.class);
        assertEquals("bpe-512", s.get("tokenizer"));
        assertEquals(512, ((Number) s.get("vocab_size")).intValue());
        double val = ((Number) s.get("final_val_loss")).doubleValue();
        assertTrue(val < Math.log(512) - 0.7, "val loss should fall well below ln(512) = 6.24, got " + val);

        assertEquals(0, run("eval", "--run", runDir.toString()).code());
        Map<String, Object> e = RunDir.JSON.readValue(runDir.resolve("summary.json").toFile(), Map.class);
        double full = ((Number) e.get("eval_val_loss")).doubleValue(), cpt = ((Number) e.get("val_chars_per_token")).doubleValue();
        assertTrue(cpt > 1.8 && cpt < 2.3, "BPE-512 tokens hold about 2 characters: " + cpt);
        assertEquals(full / Math.log(2) / cpt, ((Number) e.get("val_bits_per_char")).doubleValue(), 1e-4);

        CliTest.Result smp = run("sample", "--run", runDir.toString(), "--prompt", "ROMEO:", "--tokens", "30", "--seed", "3");
        assertEquals(0, smp.code(), smp.err());
        assertTrue(smp.out().startsWith("ROMEO:") && smp.out().strip().length() > "ROMEO:".length() + 10, smp.out());
        // the merges file is no longer needed: the checkpoint holds the tokenizer
        Files.move(merges, tmp.resolve("moved.bpe"));
        try {
            assertEquals(0, run("sample", "--run", runDir.toString(), "--prompt", "KING", "--tokens", "5").code());
            assertEquals(0, run("eval", "--run", runDir.toString()).code());
        } finally {
            Files.move(tmp.resolve("moved.bpe"), merges);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void wordTokensTrainEvaluateAndSampleAndOtherSpecsOfARunAreRefused() throws Exception {
        CliTest.Result tk = run("tokenize", "--tokenizer", "word", "--data", SHAKESPEARE, "--show", "3");
        assertEquals(0, tk.code(), tk.err());
        assertTrue(tk.out().contains("tokenizer: word-4900 ") && tk.out().contains("as text: 'first' 'citizen' 'before'"), tk.out());
        assertTrue(tk.out().contains("round trip: differs at character offset 0"), tk.out()); // "First" comes back as "first"
        assertTrue(run("tokenize", "--tokenizer", "word", "--min-count", "25", "--data", SHAKESPEARE).out().contains("word-854 "));

        Path runDir = tmp.resolve("word-run");
        CliTest.Result t = run(merge(TINY, "train", "--tokenizer", "word", "--max-iters", "20", "--eval-interval", "20", "--out", runDir.toString()));
        assertEquals(0, t.code(), t.err());
        Map<String, Object> s = RunDir.JSON.readValue(runDir.resolve("summary.json").toFile(), Map.class);
        assertEquals("word-4900", s.get("tokenizer")); // --min-count 2, a language model's default for words
        Path cache = dev.nanolm.data.TokenCache.defaultRoot(System.getenv());
        try (var dirs = Files.list(cache)) {
            assertTrue(dirs.anyMatch(d -> {
                try {
                    return Files.readString(d.resolve("meta.json")).contains("\"tokenizer_name\" : \"word-4900\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            }), "a token cache of the word run in " + cache);
        }
        assertEquals(0, run("eval", "--run", runDir.toString(), "--tokenizer", "word").code());
        CliTest.Result smp = run("sample", "--run", runDir.toString(), "--tokenizer", "word", "--prompt", "KING RICHARD", "--tokens", "5");
        assertEquals(0, smp.code(), smp.err());
        assertTrue(smp.out().startsWith("KING RICHARD ") && smp.out().strip().split(" ").length == 7, smp.out()); // 5 words after the prompt
        assertCleanError(run("sample", "--run", runDir.toString(), "--tokenizer", "char", "--prompt", "KING"), 2, "not the run's tokenizer, word-4900");
        assertCleanError(run("eval", "--run", runDir.toString(), "--tokenizer", "tiktoken:r50k_base"), 2, "not the run's tokenizer");
        assertCleanError(run("eval", "--run", runDir.toString(), "--tokenizer", "wordpiece"), 2, "the choices are");

        // lr-find reads the same settings: its first losses are a uniform guess over 4,900 words, not 65 characters
        Path lrf = tmp.resolve("word-lrf");
        CliTest.Result l = run(merge(TINY, "lr-find", "--tokenizer", "word", "--steps", "5", "--out", lrf.toString()));
        assertEquals(0, l.code(), l.err());
        double first = Double.parseDouble(Files.readAllLines(lrf.resolve("lr-find.csv")).get(1).split(",")[3]);
        assertEquals(Math.log(4900), first, 0.3);
    }

    @Test
    void badTokenizerInputsAreOneErrorLine() {
        assertCleanError(run(merge(TINY, "train", "--tokenizer", "wordpiece", "--out", tmp.resolve("x1").toString())), 2,
                "the choices are char, word, byte, bpe:<merges file> or tiktoken:<r50k_base|p50k_base|cl100k_base|o200k_base>");
        assertCleanError(run(merge(TINY, "train", "--tokenizer", "tiktoken:gpt5", "--out", tmp.resolve("x2").toString())), 2, "unknown tiktoken encoding 'gpt5'");
        assertCleanError(run(merge(TINY, "train", "--tokenizer", "bpe:" + tmp.resolve("missing.bpe"), "--out", tmp.resolve("x3").toString())), 1, "no BPE merges file");
        assertCleanError(run("tokenize", "--tokenizer", "bpe:" + SHAKESPEARE, "--data", SHAKESPEARE), 1, "not a nanolm BPE merges file");
        assertCleanError(run("train", "--preset", "names-mlp", "--tokenizer", "byte", "--out", tmp.resolve("x4").toString(),
                "--data", TestData.file("names.txt").toString()), 2, "is for text data");
        assertCleanError(run("tokenizer", "train", "--data", SHAKESPEARE, "--vocab-size", "100", "--out", tmp.resolve("x.bpe").toString()), 2, "below the 256 byte tokens");
        // a prompt a compacted vocabulary cannot encode
        Path cl = tmp.resolve("cl-run");
        assertEquals(0, run(merge(TINY, "train", "--tokenizer", "tiktoken:cl100k_base", "--compact-vocab", "true", "--max-iters", "2",
                "--eval-interval", "2", "--out", cl.toString())).code());
        assertCleanError(run("sample", "--run", cl.toString(), "--prompt", "Kubernetes", "--tokens", "5"), 2, "not in the compacted vocabulary");
        assertCleanError(run(merge(TINY, "train", "--tokenizer", "tiktoken:cl100k_base", "--compact-vocab", "true", "--max-iters", "2",
                "--sample-prompt", "Kubernetes", "--out", tmp.resolve("x5").toString())), 2, "--sample-prompt 'Kubernetes' has tokens not in");
    }

    static String[] merge(String[] base, String... first) {
        String[] r = new String[first.length + base.length];
        System.arraycopy(first, 0, r, 0, 1);
        System.arraycopy(base, 0, r, 1, base.length);
        System.arraycopy(first, 1, r, 1 + base.length, first.length - 1);
        return r;
    }
}
