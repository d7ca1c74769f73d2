// Every rung of the makemore ladder through the real CLI: a short run on names.txt must bring the loss well
// below its step-0 value, checkpoint, and sample marked names; the same presets run on another language's word list.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.cli.Main;
import dev.nanolm.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class MakemoreLadderTest {

    static int cli(StringWriter out, StringWriter err, String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    static double initialLoss(String log) {
        var m = java.util.regex.Pattern.compile("step 0: val loss ([0-9.]+)").matcher(log);
        assertTrue(m.find(), log);
        return Double.parseDouble(m.group(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp-bn", "wavenet", "bow", "rnn", "gru", "lstm", "transformer"})
    void shortRunOnNamesLearnsAndSamples(String type, @TempDir Path tmp) throws Exception {
        Path run = tmp.resolve(type);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        StringWriter err = new StringWriter();
        System.setOut(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            code = cli(new StringWriter(), err, "train", "--preset", "names-" + type, "--data", TestData.file("names.txt").toString(),
                    "--out", run.toString(), "--max-iters", "400", "--eval-interval", "400", "--log-interval", "100",
                    "--learning-rate", type.startsWith("mlp") || type.equals("wavenet") ? "0.1" : "5e-3", "--threads", "1");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, err.toString());
        Map<String, Object> s = NamesEndToEndTest.summary(run);
        double first = initialLoss(log.toString(StandardCharsets.UTF_8)), val = ((Number) s.get("final_val_loss")).doubleValue();
        assertTrue(val < first - 0.6 && val < 2.75, type + ": val loss " + val + " should be well below its step-0 loss " + first);
        assertEquals(type, s.get("model"));
        assertTrue(((Number) s.get("test_loss")).doubleValue() < 2.75, s.toString());

        StringWriter out = new StringWriter();
        assertEquals(0, cli(out, new StringWriter(), "sample", "--run", run.toString(), "--num-samples", "10", "--seed", "3"));
        List<String> lines = out.toString().lines().limit(10).toList();
        assertEquals(10, lines.stream().filter(l -> l.matches(".*\\((new|in train|in dev|in test)\\)")).count(), out.toString());
        long nameLike = lines.stream().filter(l -> l.split(" ")[0].matches("[a-z]{2,15}")).count();
        assertTrue(nameLike >= 6, type + " samples should mostly look like names:\n" + out);
    }

    /** A made-up Polish/Russian-looking word list: non-ASCII letters, longer items than names.txt. */
    static Path otherLanguageWords(Path dir) throws Exception {
        String[] syl = {"prz", "ść", "ło", "wie", "cz", "ąg", "ęb", "ży", "мо", "ск", "ва", "ёж", "ник", "ый", "ja", "ro", "ń"};
        Random r = new Random(7);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder w = new StringBuilder();
            int n = 2 + r.nextInt(5);
            for (int k = 0; k < n; k++) w.append(syl[r.nextInt(syl.length)]);
            words.add(w.toString());
        }
        Path f = dir.resolve("słowa.txt");
        Files.write(f, words, StandardCharsets.UTF_8);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"wavenet", "gru", "transformer"})
    void presetsRunUnchangedOnAnotherLanguagesWordList(String type, @TempDir Path tmp) throws Exception {
        Path words = otherLanguageWords(tmp), run = tmp.resolve("r");
        StringWriter err = new StringWriter();
        assertEquals(0, cli(new StringWriter(), err, "train", "--preset", "names-" + type, "--data", words.toString(), "--out", run.toString(),
                "--max-iters", "200", "--eval-interval", "200", "--log-interval", "100", "--threads", "1"), err.toString());
        Map<String, Object> s = NamesEndToEndTest.summary(run);
        assertTrue(((Number) s.get("vocab_size")).intValue() > 27, "the vocabulary holds the non-ASCII letters: " + s);
        assertTrue(Double.isFinite(((Number) s.get("final_val_loss")).doubleValue()), s.toString());
        StringWriter out = new StringWriter();
        assertEquals(0, cli(out, new StringWriter(), "sample", "--run", run.toString(), "--num-samples", "3"));
        assertTrue(out.toString().codePoints().anyMatch(c -> c > 127), "samples use the word list's letters:\n" + out);
    }
}
