// The makemore training aids through the CLI: lr-find, embeddings, --diagnostics and the loss plot of every run,
// plus their bad inputs (an `error:` line with a hint, exit 2 for usage, 1 for data, no stack trace).
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static dev.nanolm.report.PngCheck.assertDrawnPng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.report.Plots;
import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingAidsCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String names() { return TestData.file("names.txt").toString(); }

    /** A short names-mlp run (small hidden layer) into dir, with extra settings. */
    static CliTest.Result train(Path dir, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--preset", "names-mlp", "--data", names(), "--out", dir.toString(),
                "--n-hidden", "64", "--max-iters", "40", "--eval-interval", "20", "--log-interval", "10", "--eval-samples", "2"));
        args.addAll(List.of(extra));
        CliTest.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void newCommandsHaveHelp() {
        for (String cmd : List.of("lr-find", "embeddings")) {
            CliTest.Result r = run("help", cmd);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("Usage: nanolm " + cmd), r.out());
        }
        assertTrue(run("help", "train").out().contains("--diagnostics-interval"));
    }

    @Test
    void lrFindWritesCsvPlotAndASuggestionInRange(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("lrf");
        CliTest.Result r = run("lr-find", "--preset", "names-mlp", "--data", names(), "--steps", "120", "--min-lr", "0.001", "--max-lr", "1",
                "--n-hidden", "50", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step 120/120"), "progress lines expected:\n" + r.out());
        Matcher m = Pattern.compile("suggested learning rate: ([0-9.eE+-]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double lr = Double.parseDouble(m.group(1));
        assertTrue(lr >= 0.001 && lr <= 1, "suggestion " + lr + " outside the searched range");
        List<String> csv = Files.readAllLines(out.resolve("lr-find.csv"));
        assertEquals("step,lre,lr,loss,smoothed_loss", csv.get(0));
        assertEquals(121, csv.size());
        String[] first = csv.get(1).split(","), last = csv.get(120).split(",");
        assertEquals(-3.0, Double.parseDouble(first[1]), 1e-6);
        assertEquals(0.0, Double.parseDouble(last[1]), 1e-6);
        assertEquals(1.0, Double.parseDouble(last[2]), 1e-6);
        for (String line : csv.subList(1, csv.size())) assertTrue(Double.isFinite(Double.parseDouble(line.split(",")[3])), line);
        assertDrawnPng(out.resolve("lr-find.png"), Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void plotsAreDrawnHeadlessEvenWithADisplayThatDoesNotAnswer(@TempDir Path tmp) throws Exception {
        // a child JVM with DISPLAY naming no X server: AWT must not try to reach it (the code sets java.awt.headless)
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "dev.nanolm.cli.Main", "lr-find", "--preset", "names-mlp", "--data", names(),
                "--steps", "20", "--n-hidden", "20", "--out", tmp.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":97");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertDrawnPng(tmp.resolve("lr-find.png"), Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void lrFindBadInputs(@TempDir Path tmp) {
        assertCleanError(run("lr-find", "--preset", "names-mpl", "--out", tmp.toString()), 2, "names-mlp");
        assertCleanError(run("lr-find", "--preset", "names-mlp", "--steps", "0", "--out", tmp.toString()), 2, "--steps");
        assertCleanError(run("lr-find", "--preset", "names-mlp", "--steps", "-5", "--out", tmp.toString()), 2, "--steps");
        assertCleanError(run("lr-find", "--preset", "names-mlp", "--min-lr", "1", "--max-lr", "0.1", "--out", tmp.toString()), 2, "--max-lr");
        assertCleanError(run("lr-find", "--preset", "names-mlp", "--steps", "many"), 2, "--steps");
        assertCleanError(run("lr-find", "--preset", "names-mlp", "--n-hiden", "5"), 2, "--n-hidden");
        assertCleanError(run("lr-find", "--preset", "names-bigram", "--data", names(), "--steps", "10", "--out", tmp.toString()), 2, "counting");
        assertCleanError(run("lr-find", "--preset", "names-mlp", "--data", tmp.resolve("nope.txt").toString(), "--out", tmp.toString()), 1, "nope");
    }

    @Test
    void everyRunPlotsItsLossAndEmbeddingsArePlotted(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("mlp");
        train(dir);
        assertDrawnPng(dir.resolve("plots/loss.png"), Plots.WIDTH, Plots.HEIGHT);
        assertTrue(Files.readString(dir.resolve("plots/loss.svg")).contains("<svg"));
        assertFalse(Files.exists(dir.resolve("diagnostics.jsonl")), "no diagnostics unless asked for");

        CliTest.Result r = run("embeddings", "--run", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("C.weight: 27 tokens x 10 dims; PCA"), r.out());
        assertDrawnPng(dir.resolve("plots/embeddings.png"), Plots.WIDTH, Plots.HEIGHT);

        Path png = tmp.resolve("elsewhere/e.png");
        assertEquals(0, run("embeddings", "--run", dir.toString(), "--checkpoint", "last", "--out", png.toString()).code());
        assertDrawnPng(png, Plots.WIDTH, Plots.HEIGHT);

        // a 2-wide embedding is drawn as it is (makemore part 2's picture), no PCA
        Path two = tmp.resolve("two");
        train(two, "--n-embd", "2");
        r = run("embeddings", "--run", two.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("the table itself (2 wide)"), r.out());
    }

    @Test
    void embeddingsBadInputs(@TempDir Path tmp) throws Exception {
        assertCleanError(run("embeddings", "--run", tmp.resolve("none").toString()), 1, "none");
        assertCleanError(run("embeddings", "--run", tmp.toString()), 1, "no checkpoint");
        assertCleanError(run("embeddings", "--run", tmp.toString(), "--checkpoint", "newest"), 2, "--checkpoint");
        assertCleanError(run("embeddings", "--run", tmp.toString(), "--out", "x.jpg"), 2, "--out");
        assertCleanError(run("embeddings"), 2, "--run");
    }

    @Test
    void diagnosticsRecordEveryIntervalWithoutChangingTheRun(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain"), diag = tmp.resolve("diag");
        train(plain);
        train(diag, "--diagnostics", "--diagnostics-interval", "15");
        // the measurements change nothing: the same losses, line for line (only the step times differ)
        assertEquals(withoutTimes(plain.resolve("metrics.jsonl")), withoutTimes(diag.resolve("metrics.jsonl")));

        List<String> lines = Files.readAllLines(diag.resolve("diagnostics.jsonl"));
        // step 1, every 15th, and the last
        assertEquals(List.of(1L, 15L, 30L, 40L), lines.stream().map(l -> parse(l).get("step").asLong()).toList());
        for (String line : lines) {
            JsonNode row = parse(line);
            assertEquals(0.1, row.get("lr").asDouble(), 1e-6);
            JsonNode layers = row.get("layers");
            assertEquals(1, layers.size(), "names-mlp has one tanh layer: " + layers);
            JsonNode t = layers.get(0);
            assertEquals("tanh", t.get("name").asText());
            double sat = t.get("saturated").asDouble();
            assertTrue(sat >= 0 && sat <= 1, "saturation " + sat);
            assertTrue(t.get("std").asDouble() > 0 && t.get("std").asDouble() <= 1, t.toString());
            assertTrue(Math.abs(t.get("mean").asDouble()) <= 1, t.toString());
            assertTrue(t.get("grad_std").asDouble() > 0, t.toString());
            long histTotal = 0;
            for (JsonNode c : t.get("hist").get("counts")) histTotal += c.asLong();
            assertEquals(32L * 64, histTotal, "one count per activation (batch 32 x 64 hidden)");
            JsonNode params = row.get("params");
            assertEquals(List.of("C.weight", "hidden.weight", "hidden.bias", "out.weight", "out.bias"),
                    java.util.stream.StreamSupport.stream(params.spliterator(), false).map(p -> p.get("name").asText()).toList());
            for (JsonNode p : params) {
                for (String k : List.of("grad_mean", "grad_std", "data_std", "update_std", "update_ratio_log10"))
                    assertNotNull(p.get(k), k + " missing in " + p);
                double ratio = p.get("update_ratio_log10").asDouble();
                assertTrue(ratio > -8 && ratio < 1, p.get("name") + ": update ratio " + ratio);
            }
            // plain SGD without momentum: the actual update is lr * grad, so std(update) = lr * std(grad)
            JsonNode w = params.get(1);
            assertEquals(0.1 * w.get("grad_std").asDouble(), w.get("update_std").asDouble(), 1e-3 * w.get("update_std").asDouble());
        }
        for (String f : List.of("diagnostics-activations", "diagnostics-gradients", "diagnostics-update-ratio")) {
            assertDrawnPng(diag.resolve("plots/" + f + ".png"), Plots.WIDTH, Plots.HEIGHT);
            assertTrue(Files.exists(diag.resolve("plots/" + f + ".svg")), f);
        }
    }

    @Test
    void diagnosticsBadInterval(@TempDir Path tmp) {
        assertCleanError(run("train", "--preset", "names-mlp", "--data", names(), "--out", tmp.resolve("r").toString(),
                "--diagnostics", "true", "--diagnostics-interval", "0"), 2, "--diagnostics-interval");
        assertCleanError(run("train", "--preset", "names-mlp", "--data", names(), "--out", tmp.resolve("r").toString(),
                "--diagnostics", "maybe"), 2, "--diagnostics");
        assertFalse(Files.exists(tmp.resolve("r/metrics.jsonl")), "settings are checked before anything is written");
    }

    static List<String> withoutTimes(Path metrics) throws Exception {
        return Files.readAllLines(metrics).stream().map(l -> l.replaceAll(",\"(ms|elapsed_s)\":[0-9.eE+-]+", "")).toList();
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
