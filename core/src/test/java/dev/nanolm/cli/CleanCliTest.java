// `nanolm clean` end to end: a JSONL fixture (CRLF lines, Polish text) that triggers every rule with exact counts,
// plain-text input in paragraphs and lines, an output that stays untouched when a run fails, and bad input as `error:`.
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.train.RunDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanCliTest {
    @TempDir Path tmp;

    @AfterEach void noFault() { AtomicFiles.injectFault(null); }

    /** A Polish paragraph of more than 200 characters, different for each seed word. */
    static String article(String topic) {
        return "Artykuł o " + topic + ". Zażółć gęślą jaźń, a potem opisz dokładnie, jak działa serwer WWW i co widzi czytelnik."
                + " Źródła podają różne liczby, więc sprawdź je w kilku miejscach, zanim cokolwiek napiszesz o " + topic + "."
                + " Na koniec dodaj krótkie podsumowanie.";
    }

    static String obj(String text, String quality) throws IOException {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("id", text.hashCode());
        if (text != null) m.put("text", text);
        if (quality != null) m.put("quality_ai", quality);
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
    }

    @Test
    void everyRuleOnAJsonlCorpusWithExactCounts() throws Exception {
        String mentions404 = article("błędach HTTP") + " Gdy adresu nie ma, serwer odpowiada 404 Not Found, a przy przeciążeniu 503 Service Unavailable."
                + " To zwykły artykuł, nie strona błędu. " + article("sieci");
        List<String> lines = new ArrayList<>(List.of(
                obj("404 Not Found\nThe requested URL /x was not found on this server.", "HIGH"),   // 1 error page
                obj("Sklep internetowy\n503 Service Unavailable", "HIGH"),                          // 2 error page
                obj(mentions404, "HIGH"),                                                           // 3 kept: long, 404 in its body
                obj("Nie znaleziono strony. Wróć na stronę główną.", "MEDIUM"),                     // 4 error page (Polish)
                "",                                                                                 // 5 blank: no record
                obj(article("książkach") + " Wydanie ISBN 978-83-240-1234-5 z 2020 roku.", "MEDIUM"), // 6 ISBN stripped, kept
                obj(article("bibliotece") + " [ISBN 83-01-00000-1] oraz ISBN: 0-306-40615-2.", "HIGH"), // 7 two tags, kept
                obj(article("spamie"), "LOW"),                                                      // 8 quality
                obj(article("pogodzie"), null),                                                     // 9 no quality field: kept
                "{\"text\": \"urwany rekord",                                                       // 10 invalid JSON
                obj(mentions404.toUpperCase(java.util.Locale.ROOT).replace(" ", "  "), "HIGH"),      // 11 duplicate of 3
                obj("Krótko o niczym.", "HIGH"),                                                    // 12 too short
                "{\"title\": \"bez tekstu\"}",                                                      // 13 no text field
                "[1, 2, 3]"));                                                                      // 14 invalid: not an object
        Path in = tmp.resolve("pl.jsonl"), out = tmp.resolve("pl-clean.jsonl"), report = tmp.resolve("report.json");
        Files.writeString(in, String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);

        CliTest.Result r = run("clean", "--in", in.toString(), "--out", out.toString(), "--min-quality", "MEDIUM", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("records in: 13, out: 4"), r.out());
        assertTrue(r.out().contains("invalid_json  dropped 2 at lines 10, 14"), r.out());
        assertTrue(r.out().contains("line 1: \"404 Not Found\""), r.out());
        assertTrue(r.out().contains("isbn          changed 2 (3 tags removed)"), r.out());

        JsonNode rep = RunDir.JSON.readTree(report.toFile());
        assertEquals(13, rep.get("records_in").asInt());
        assertEquals(4, rep.get("records_out").asInt());
        JsonNode rules = rep.get("rules");
        assertEquals(2, rules.get("invalid_json").get("dropped").asInt());
        assertEquals("[10,14]", rules.get("invalid_json").get("first_lines").toString());
        assertEquals(1, rules.get("no_text").get("dropped").asInt());
        assertEquals(3, rules.get("error_page").get("dropped").asInt());
        assertEquals(2, rules.get("error_page").get("examples").size());
        assertEquals(2, rules.get("isbn").get("changed").asInt());
        assertEquals(3, rules.get("isbn").get("tags_removed").asInt());
        assertEquals(1, rules.get("quality").get("dropped").asInt());
        assertEquals(1, rules.get("quality").get("unrated_kept").asInt());
        assertEquals(1, rules.get("duplicate").get("dropped").asInt());
        assertTrue(rules.get("duplicate").get("examples").get(0).asText().startsWith("line 11: "));
        assertEquals(1, rules.get("too_short").get("dropped").asInt());

        // the kept records in order, \n line ends; an unchanged record is its input line byte for byte
        String cleaned = Files.readString(out, StandardCharsets.UTF_8);
        assertFalse(cleaned.contains("\r"));
        List<String> kept = cleaned.lines().toList();
        assertEquals(List.of(lines.get(2), lines.get(8)), List.of(kept.get(0), kept.get(3)));
        JsonNode isbn1 = RunDir.JSON.readTree(kept.get(1)), isbn2 = RunDir.JSON.readTree(kept.get(2));
        assertEquals(article("książkach") + " Wydanie z 2020 roku.", isbn1.get("text").asText());
        assertEquals(article("bibliotece") + " oraz.", isbn2.get("text").asText());
        assertEquals("MEDIUM", isbn1.get("quality_ai").asText(), "the other fields stay");
        assertTrue(kept.get(1).contains("Zażółć gęślą jaźń"), "Polish letters written as UTF-8, not escaped");
    }

    @Test
    void numericQualityThresholdAndRulesSwitchedOff() throws Exception {
        Path in = tmp.resolve("scores.jsonl"), out = tmp.resolve("scores-clean.jsonl");
        Files.writeString(in, String.join("\n", obj(article("a"), null).replace("}", ",\"q\":0.2}"),
                obj(article("b"), null).replace("}", ",\"q\":0.9}"), obj(article("b"), null).replace("}", ",\"q\":0.95}"),
                obj("krótki 404 Not Found", null).replace("}", ",\"q\":0.7}")) + "\n");
        CliTest.Result r = run("clean", "--in", in.toString(), "--out", out.toString(), "--quality-field", "q", "--min-quality", "0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("records in: 4, out: 1"), r.out()); // quality, duplicate, error page
        r = run("clean", "--in", in.toString(), "--out", out.toString(), "--error-pages", "false", "--dedup", "false", "--min-chars", "0");
        assertTrue(r.out().contains("records in: 4, out: 4"), r.out());
    }

    @Test
    void plainTextInParagraphsAndLines() throws Exception {
        Path in = tmp.resolve("korpus.txt"), out = tmp.resolve("korpus-clean.txt");
        String text = String.join("\r\n", "Page not found", "Sorry.", "", "", article("górach"), "Druga linia akapitu o górach.",
                "ISBN 978-83-240-1234-5", "Trzecia linia.", "", article("morzu"), "", article("MORZU"), "", "Za krótki akapit.", "");
        Files.writeString(in, text, StandardCharsets.UTF_8);
        CliTest.Result r = run("clean", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(text)") && r.out().contains("records in: 5, out: 2"), r.out());
        // the tag alone on its line goes with its line, so the paragraph stays one record
        assertEquals(article("górach") + "\nDruga linia akapitu o górach.\nTrzecia linia.\n\n" + article("morzu") + "\n", Files.readString(out));
        CliTest.Result again = run("clean", "--in", out.toString(), "--out", tmp.resolve("again.txt").toString());
        assertTrue(again.out().contains("records in: 2, out: 2"), again.out());

        r = run("clean", "--in", in.toString(), "--out", out.toString(), "--records", "lines", "--min-chars", "20");
        assertEquals(0, r.code(), r.err());
        // 9 non-blank lines: "Page not found" is an error page; "Sorry.", the ISBN line (empty after stripping),
        // "Trzecia linia." and "Za krótki akapit." too short; the MORZU line a duplicate
        assertTrue(r.out().contains("records in: 9, out: 3"), r.out());
        assertEquals(List.of(article("górach"), "Druga linia akapitu o górach.", article("morzu")), Files.readAllLines(out));
        assertCleanError(run("clean", "--in", in.toString(), "--out", out.toString(), "--min-quality", "LOW"), 2, "JSONL");
    }

    @Test
    void aFailedRunLeavesTheOldOutputAndNoTempFile() throws Exception {
        Path in = tmp.resolve("big.jsonl"), out = tmp.resolve("out.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) sb.append(obj(article("rekordzie " + i), "HIGH")).append('\n');
        Files.writeString(in, sb);
        Files.writeString(out, "old\n");
        AtomicFiles.injectFault((target, total) -> {
            if (target.getFileName().toString().equals("out.jsonl") && total > 100_000) throw new IOException("No space left on device");
        });
        assertCleanError(run("clean", "--in", in.toString(), "--out", out.toString()), 1, "No space left on device");
        AtomicFiles.injectFault(null);
        assertEquals("old\n", Files.readString(out));
        assertEquals(List.of("big.jsonl", "out.jsonl"), listing());

        // bad UTF-8 after many good records: an error naming the line, the old output kept
        byte[] good = Files.readAllBytes(in);
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 3);
        bad[good.length] = '{';
        bad[good.length + 1] = (byte) 0xC3;
        bad[good.length + 2] = '\n';
        Files.write(in, bad);
        assertCleanError(run("clean", "--in", in.toString(), "--out", out.toString()), 1, "line 2001");
        assertEquals("old\n", Files.readString(out));
        assertEquals(List.of("big.jsonl", "out.jsonl"), listing());
    }

    @Test
    void badArgumentsAreCleanErrors() throws Exception {
        Path in = Files.writeString(tmp.resolve("a.jsonl"), obj(article("x"), "HIGH") + "\n");
        assertCleanError(run("clean", "--in", tmp.resolve("nope.jsonl").toString(), "--out", tmp.resolve("o.jsonl").toString()), 1, "nope.jsonl");
        assertCleanError(run("clean", "--in", in.toString(), "--out", tmp.resolve(".").resolve("a.jsonl").toString()), 2, "input file");
        assertCleanError(run("clean", "--in", in.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--report", in.toString()), 2, "--report");
        assertCleanError(run("clean", "--in", in.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--min-quality", "BEST"), 2, "LOW,MEDIUM,HIGH");
        assertCleanError(run("clean", "--in", in.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--min-chars", "-1"), 2, "--min-chars");
        assertCleanError(run("clean", "--in", in.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--format", "xml"), 2, "--format");
        assertCleanError(run("clean", "--in", Files.writeString(tmp.resolve("e.jsonl"), "").toString(), "--out", tmp.resolve("o.jsonl").toString()), 1, "empty");
        // a wrong --format or --text-field rejects every record: an error, and no empty output
        Path content = Files.writeString(tmp.resolve("c.jsonl"), "{\"content\": \"" + article("x") + "\", \"url\": \"u\"}\n");
        assertCleanError(run("clean", "--in", content.toString(), "--out", tmp.resolve("o.jsonl").toString()), 1, "[content, url]");
        Path text = Files.writeString(tmp.resolve("t.txt"), article("x") + "\n");
        assertCleanError(run("clean", "--in", text.toString(), "--out", tmp.resolve("o.jsonl").toString(), "--format", "jsonl"), 1, "--format text");
        assertFalse(Files.exists(tmp.resolve("o.jsonl")));
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
