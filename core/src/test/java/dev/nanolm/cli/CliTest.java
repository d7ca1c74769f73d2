// The CLI contract: --help for every command, and bad input gives `error: ... (hint: ...)`, exit 2 (usage)
// or 1 (data), never a stack trace.
package dev.nanolm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), args);
        return new Result(code, o.toString(), e.toString());
    }

    static void assertCleanError(Result r, int code, String mentions) {
        assertEquals(code, r.code, () -> "exit code; stderr: " + r.err);
        String first = r.err.lines().findFirst().orElse("");
        assertTrue(first.startsWith("error: "), () -> "stderr should start with 'error: ': " + r.err);
        assertTrue(first.contains("(hint: "), () -> "error line should carry a hint: " + r.err);
        assertTrue(r.err.contains(mentions), () -> "stderr should mention '" + mentions + "': " + r.err);
        assertFalse(r.err.contains("\tat ") || r.err.contains("Exception"), () -> "no stack trace expected: " + r.err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "train", "sample", "presets", "datasets", "sweep", "report", "compare", "clean", "help"})
    void everyCommandHasHelp(String cmd) {
        Result r = cmd.isEmpty() ? run("--help") : run(cmd, "--help");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("Usage: nanolm"), r.out);
    }

    @Test
    void trainHelpListsEverySetting() {
        // picocli reports a footer it cannot format ("10% of" unescaped) on System.err, beside the command's streams
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        Result r;
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = run("help", "train");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, r.code);
        assertFalse(warnings.toString(java.nio.charset.StandardCharsets.UTF_8).contains("WARN"), warnings::toString);
        assertTrue(r.out.contains("10% of --data"), "a % in a key's help is shown as is");
        for (String key : dev.nanolm.config.Keys.all().keySet()) assertTrue(r.out.contains("--" + key), key);
    }

    @Test
    void unknownSettingSuggestsNearest() {
        assertCleanError(run("train", "--preset", "names-mlp", "--learning-rat", "0.1"), 2, "--learning-rate");
    }

    @Test
    void unknownPresetSuggestsNearest() {
        assertCleanError(run("train", "--preset", "names-mpl"), 2, "names-mlp");
    }

    @Test
    void badNumberIsUsageError() {
        assertCleanError(run("train", "--preset", "names-mlp", "--max-iters", "many"), 2, "--max-iters");
    }

    @Test
    void negativeSizeIsUsageError(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("w.txt"), "ab\ncd\nef\ngh\n");
        assertCleanError(run("train", "--preset", "names-mlp", "--data", f.toString(), "--n-hidden", "-3", "--out", tmp.resolve("r").toString()), 2, "n-hidden");
    }

    @Test
    void missingDataFile(@TempDir Path tmp) {
        assertCleanError(run("train", "--preset", "names-mlp", "--data", tmp.resolve("nope.txt").toString(), "--out", tmp.resolve("r").toString()), 1, "nope");
    }

    @Test
    void emptyDataFile(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("empty.txt"), "");
        assertCleanError(run("train", "--preset", "names-mlp", "--data", f.toString(), "--out", tmp.resolve("r").toString()), 1, "empty");
    }

    @Test
    void nonUtf8DataFile(@TempDir Path tmp) throws Exception {
        Path f = Files.write(tmp.resolve("latin1.txt"), new byte[] {'a', 'b', '\n', (byte) 0xE9, 'x', '\n'});
        assertCleanError(run("train", "--preset", "names-mlp", "--data", f.toString(), "--out", tmp.resolve("r").toString()), 1, "offset 3");
    }

    @Test
    void unknownOptionOfACommand() {
        Result r = run("sample", "--run", "x", "--nmu-samples", "3");
        assertCleanError(r, 2, "--nmu-samples");
    }

    @Test
    void sampleFromMissingRun(@TempDir Path tmp) {
        assertCleanError(run("sample", "--run", tmp.resolve("none").toString()), 1, "none");
    }

    @Test
    void sampleNeedsPositiveCount(@TempDir Path tmp) {
        assertCleanError(run("sample", "--run", tmp.toString(), "--num-samples", "0"), 2, "--num-samples");
    }

    @Test
    void presetsListsTheBundledOnes() {
        Result r = run("presets");
        assertEquals(0, r.code);
        for (String p : new String[] {"names-bigram", "names-bigram-nn", "names-mlp"}) assertTrue(r.out.contains(p), r.out);
    }

    @Test
    void unknownCommand() {
        Result r = run("trian");
        assertEquals(2, r.code);
        assertTrue(r.err.startsWith("error: "), r.err);
        assertTrue(r.err.contains("train"), r.err);
    }
}
