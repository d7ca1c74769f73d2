// `nanolm report` on a small text run trained with --sample-prompt: report.html is self-contained (plots as data:
// URLs, no outside reference) and shows the config, the samples by step from step 0 and the true continuation.
package dev.nanolm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    static final String PROMPT = "First Citizen:";

    static Path text(Path tmp) throws Exception {
        String shakespeare = Files.readString(TestData.file("tinyshakespeare.txt"));
        return Files.writeString(tmp.resolve("small.txt"), shakespeare.substring(0, 30_000));
    }

    static String[] tinyGpt(Path data, Path out, String... more) {
        String[] base = {"train", "--model", "gpt", "--data", data.toString(), "--out", out.toString(), "--n-layer", "1", "--n-head", "2",
                "--n-embd", "16", "--block-size", "16", "--batch-size", "8", "--optimizer", "adamw", "--learning-rate", "3e-3",
                "--lr-schedule", "constant", "--max-iters", "40", "--eval-interval", "20", "--eval-iters", "2", "--log-interval", "10",
                "--sample-tokens", "40", "--threads", "1"};
        return dev.nanolm.train.NamesEndToEndTest.concat(base, more);
    }

    @Test
    void reportIsSelfContainedWithPlotsConfigAndSamples(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CliTest.Result t = CliTest.run(tinyGpt(text(tmp), run, "--sample-prompt", PROMPT));
        assertEquals(0, t.code(), t.err());
        for (String step : new String[] {"000000", "000020", "000040"}) {
            String sample = Files.readString(run.resolve("samples/step-" + step + ".txt"));
            assertTrue(sample.startsWith(PROMPT) && sample.length() > PROMPT.length() + 20, step + ": " + sample);
        }
        assertEquals(PROMPT, Files.readString(run.resolve("samples/prompt.txt")));
        assertTrue(Files.readString(run.resolve("samples/truth.txt")).startsWith(PROMPT + "\n"), "the true continuation follows the prompt");

        CliTest.Result r = CliTest.run("report", "--run", run.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("<img alt=\"loss.png\" src=\"data:image/png;base64,iVBOR"), "the loss plot is embedded as a PNG");
        var src = Pattern.compile("(?:src|href)=\"(?!data:)([^\"]*)\"").matcher(html);
        assertFalse(src.find(), () -> "an outside reference: " + src.group());
        assertFalse(html.contains("http://") || html.contains("https://"), "no URL");
        assertTrue(html.contains("<th>learning-rate</th><td class=\"num\">3e-3</td>"), "the config table");
        assertTrue(html.contains("<th>best_val_loss</th>"), "the summary table");
        assertTrue(html.contains("<th>train_ms_per_iter_median</th>"), "the timings");
        assertTrue(html.contains("<th>true continuation</th>") && html.contains("<th>0</th>") && html.contains("<th>40</th>"), "samples by step");
        assertTrue(html.contains("<span class=\"prompt\">" + PROMPT + "</span>"), "the prompt is marked");
        String md = Files.readString(run.resolve("report.md"));
        assertTrue(md.contains("![loss.png](plots/loss.png)") && md.contains("| learning-rate | 3e-3 |") && md.contains("Step 40:"), md);
    }

    @Test
    void badPromptAndNonRunAreCleanErrors(@TempDir Path tmp) throws Exception {
        CliTest.assertCleanError(CliTest.run(tinyGpt(text(tmp), tmp.resolve("r"), "--sample-prompt", "Zürich€")), 2, "--sample-prompt");
        CliTest.assertCleanError(CliTest.run("report", "--run", tmp.toString()), 1, "not a run directory");
    }
}
