// `nanolm compare` end to end on tiny runs the test trains (a char GPT, a byte-tokenizer GPT, a names MLP): the table,
// compare.md/.csv and the two-panel plot, figures that agree with `eval`, and the clean errors (missing, unfinished,
// classifier or repeated runs).
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static dev.nanolm.report.PngCheck.assertDrawnPng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.report.Plots;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.TestData;
import dev.nanolm.train.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCliTest {

    /** A few steps of a tiny GPT on text, with extra settings (e.g. the tokenizer). */
    static void trainGpt(Path text, Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--preset", "shakespeare-char-baby", "--data", text.toString(), "--out", dir.toString(),
                "--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16", "--batch-size", "4", "--max-iters", "20",
                "--eval-interval", "10", "--eval-iters", "2", "--warmup-iters", "2", "--lr-decay-iters", "20", "--sample-tokens", "10"));
        args.addAll(List.of(extra));
        CliTest.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
    }

    /** The CSV's rows as maps from column to cell (no quoted commas in these runs). */
    static List<Map<String, String>> csv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        String[] head = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] cells = l.split(",", -1);
            assertEquals(head.length, cells.length, l);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < head.length; i++) m.put(head[i], cells[i]);
            rows.add(m);
        }
        return rows;
    }

    static double num(Map<String, String> row, String col) { return Double.parseDouble(row.get(col)); }

    @Test
    void comparesACharAndAByteGptAndALineRun(@TempDir Path tmp) throws Exception {
        // accented letters: two UTF-8 bytes each, so the byte model has fewer characters than tokens
        String text = Files.readString(TestData.file("tinyshakespeare.txt")).substring(0, 20_000).replace("the", "thé");
        Path data = Files.writeString(tmp.resolve("small.txt"), text);
        Path chr = tmp.resolve("char"), byt = tmp.resolve("byte"), names = tmp.resolve("names"), out = tmp.resolve("cmp");
        trainGpt(data, chr);
        trainGpt(data, byt, "--tokenizer", "byte");

        CliTest.Result r = run("compare", chr.toString(), byt.toString(), "--tokens", "40", "--prompt", "ROMEO:", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> table = r.out().lines().toList();
        assertEquals(4, table.size(), r.out());
        assertTrue(table.get(0).startsWith("| run | model | params | tokenizer | steps |") && table.get(0).contains("generate 40 tokens"), table.get(0));
        assertTrue(table.get(2).startsWith("| char | gpt | ") && table.get(3).startsWith("| byte | gpt | "), r.out());
        String md = Files.readString(out.resolve("compare.md"));
        assertTrue(md.contains(r.out()) && md.contains("](compare-val-loss.png)") && !md.contains("different datasets"), md);
        assertDrawnPng(out.resolve("compare-val-loss.png"), 2 * Plots.WIDTH, Plots.HEIGHT);

        List<Map<String, String>> rows = csv(out.resolve("compare.csv"));
        assertEquals(2, rows.size());
        for (Map<String, String> row : rows) {
            Path dir = tmp.resolve(row.get("run"));
            Map<String, Object> summary = new RunDir(dir).readJson(dir.resolve("summary.json"));
            assertEquals(summary.get("params").toString(), row.get("params"));
            assertEquals("20", row.get("steps"));
            assertEquals("max_iters", row.get("stopped_by"));
            assertEquals(((Number) summary.get("train_s")).doubleValue(), num(row, "train_s"), 1e-9);
            assertEquals("40", row.get("generate_tokens"));
            assertEquals(40 / num(row, "generate_s"), num(row, "tokens_per_s"), 1e-6 * num(row, "tokens_per_s"));
            double loss = num(row, "val_loss_whole_split"), cpt = num(row, "val_chars_per_token");
            assertEquals(Math.exp(loss), num(row, "val_perplexity"), 1e-9 * Math.exp(loss));
            assertEquals(loss / cpt / Math.log(2), num(row, "val_bits_per_char"), 1e-9);
            // the same figures as `eval` with the same checkpoint
            assertEquals(0, run("eval", "--run", dir.toString(), "--checkpoint", "last").code());
            Map<String, Object> evaluated = new RunDir(dir).readJson(dir.resolve("summary.json"));
            assertEquals(((Number) evaluated.get("eval_val_loss")).doubleValue(), loss, 1e-5);
            assertEquals(((Number) evaluated.get("val_bits_per_char")).doubleValue(), num(row, "val_bits_per_char"), 1e-5);
        }
        assertEquals(1.0, num(rows.get(0), "val_chars_per_token"));
        double byteCpt = num(rows.get(1), "val_chars_per_token");
        assertTrue(byteCpt < 1.0, "two-byte letters: fewer characters than byte tokens, got " + byteCpt);

        // a line-data run is shown with the same columns (its characters are the items' letters and ends); another dataset is noted
        assertEquals(0, run("train", "--preset", "names-mlp", "--data", TestData.file("names.txt").toString(), "--out", names.toString(),
                "--n-hidden", "16", "--max-iters", "20", "--eval-interval", "10", "--eval-samples", "1").code());
        CliTest.Result mixed = run("compare", chr.toString(), names.toString(), "--tokens", "20", "--out", out.toString());
        assertEquals(0, mixed.code(), mixed.err());
        assertTrue(mixed.out().lines().anyMatch(l -> l.startsWith("| names | mlp | ")), mixed.out());
        assertTrue(Files.readString(out.resolve("compare.md")).contains("different datasets"));
        assertEquals(2, csv(out.resolve("compare.csv")).size());
    }

    @Test
    void refusesMissingUnfinishedRepeatedAndClassifierRuns(@TempDir Path tmp) throws Exception {
        assertCleanError(run("compare", tmp.resolve("nope").toString(), "--out", tmp.resolve("o").toString()), 1, "no run directory");

        Path text = Files.writeString(tmp.resolve("t.txt"), Files.readString(TestData.file("tinyshakespeare.txt")).substring(0, 5_000));
        Path r = tmp.resolve("r");
        trainGpt(text, r);
        assertCleanError(run("compare", r.toString(), r.toString(), "--out", tmp.resolve("o").toString()), 2, "given twice");
        assertCleanError(run("compare", r.toString(), "--tokens", "0"), 2, "--tokens");
        assertCleanError(run("compare", r.toString(), "--prompt", "\u00a7\u00a7", "--out", tmp.resolve("o").toString()), 2, "prompt");
        // what a run killed between evaluations leaves: a summary of an earlier step, without stopped_by
        RunDir rd = new RunDir(r);
        Map<String, Object> s = rd.readJson(rd.summary());
        s.remove("stopped_by");
        s.put("iters", 10);
        rd.writeJson(rd.summary(), s);
        CliTest.Result unfinished = run("compare", r.toString(), "--out", tmp.resolve("o").toString());
        assertCleanError(unfinished, 1, "unfinished");
        assertTrue(unfinished.err().contains("--resume"), unfinished.err());

        // a classifier's run directory (its checkpoint type is what tells)
        Path c = tmp.resolve("classifier");
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.zeros(2, 2));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("model_type", dev.nanolm.classify.ClassifierCheckpoint.TYPE);
        new Checkpoint(tensors, meta).save(c.resolve("checkpoints/last.safetensors"));
        assertCleanError(run("compare", c.toString(), "--out", tmp.resolve("o").toString()), 1, "text-classifier");
    }
}
