// The rules of `nanolm clean` one by one: error-page phrases (whole short records, only the head of long ones), ISBN
// tag forms, duplicate normalisation and the hash table's growth, quality levels and numbers, and bad settings.
package dev.nanolm.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nanolm.clean.CleanConfig.Format;
import dev.nanolm.clean.CleanConfig.Records;
import dev.nanolm.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanRulesTest {
    static final String FILLER = " Zażółć gęślą jaźń, a potem opisz dokładnie, jak działa serwer WWW i co widzi czytelnik.";

    static CleanConfig config(String minQuality) {
        return new CleanConfig(Format.JSONL, Records.PARAGRAPHS, "text", true, 500, true, "quality_ai", minQuality,
                List.of("LOW", "MEDIUM", "HIGH"), true, 200, 2);
    }

    @Test
    void errorPagesAnywhereInShortRecordsOnlyInTheHeadOfLongOnes() {
        assertEquals("404 Not Found", ErrorPages.match("404 Not Found\nThe requested URL was not found.", 500));
        assertEquals("503 Service Unavailable", ErrorPages.match("Sklep\n503 Service Unavailable", 500));
        assertEquals("NIE ZNALEZIONO STRONY", ErrorPages.match("Ups! NIE ZNALEZIONO STRONY, wróć później.", 500));
        assertEquals("Błąd 404", ErrorPages.match("Błąd 404 – strona główna", 500));
        assertEquals("Access denied", ErrorPages.match("Access denied. You don't have permission.", 500));
        assertNull(ErrorPages.match("Ania ma 404 koty i 503 psy.", 500)); // numbers alone are no error page
        String article = "Jak działa internet." + FILLER.repeat(3) + " Kod 404 Not Found oznacza brak strony." + FILLER.repeat(5);
        assertTrue(article.length() > 500);
        assertNull(ErrorPages.match(article, 500), "a long article that mentions 404 in its body is kept");
        assertNotNull(ErrorPages.match(article, article.length()), "the same text counts when short enough to be searched whole");
        assertEquals("Page not found", ErrorPages.match("Menu | Kontakt\nPage not found\n" + FILLER.repeat(10), 500));
        assertNull(ErrorPages.match("Menu\n\nKontakt\nPage not found\n" + FILLER.repeat(10), 500), "only the first 2 non-blank lines count");
        assertEquals("404 Not Found", ErrorPages.match("404 Not Found The requested URL was not found." + FILLER.repeat(10), 500),
                "a scraped page whose line breaks were lost");
        assertNull(ErrorPages.match("Artykuł o błędach. Serwer zwraca kod 404, gdy strona nie istnieje." + FILLER.repeat(10), 500),
                "a phrase in the first sentence but not at its start is no title");
    }

    @Test
    void isbnTagsAreRemovedAndTheRestKept() {
        Isbn.Stripped s = Isbn.strip("Książka ISBN 978-83-240-1234-5 wydana w Krakowie.");
        assertEquals("Książka wydana w Krakowie.", s.text());
        assertEquals(List.of("ISBN 978-83-240-1234-5"), s.tags());
        s = Isbn.strip("Zobacz [ISBN 83-01-00000-1] oraz ISBN: 0-306-40615-2, a także isbn-13 9780306406157.");
        assertEquals("Zobacz oraz, a także.", s.text());
        assertEquals(List.of("[ISBN 83-01-00000-1]", "ISBN: 0-306-40615-2", "isbn-13 9780306406157"), s.tags());
        assertEquals("Tom drugi", Isbn.strip("Tom (ISBN 0-8044-2957-X) drugi").text());
        assertEquals("ISBN 0-8044-2957-X", Isbn.strip("ISBN 0-8044-2957-X").tags().get(0));
        String plain = "Numer ISBN podano niżej; telefon 123-456-789.";
        assertSame(plain, Isbn.strip(plain).text(), "no tag: the text is untouched");
        assertTrue(Isbn.strip("ISBN 123").tags().isEmpty(), "too few digits is not an ISBN");
    }

    @Test
    void duplicatesIgnoreCaseAndWhitespace() {
        SeenTexts seen = new SeenTexts();
        assertTrue(seen.add("Zażółć  gęślą\r\njaźń "));
        assertFalse(seen.add("ZAŻÓŁĆ gęślą\u00A0jaźń"));
        assertTrue(seen.add("Zażółć gęślą jaźń!"));
        assertEquals("a b c", SeenTexts.normalise("  A\t\nb   C \n"));
        // many more texts than the first table holds: it grows and still knows every one
        for (int i = 0; i < 20_000; i++) assertTrue(seen.add("tekst " + i));
        for (int i = 0; i < 20_000; i += 7) assertFalse(seen.add("TEKST  " + i));
        assertEquals(20_002, seen.size());
        assertTrue(seen.bytes() >= 16L * 20_002 * 4 / 3, "16 bytes a slot, at most 3/4 full: " + seen.bytes());
    }

    @Test
    void qualityByLevelOrByNumber() throws Exception {
        CleanConfig byLevel = config("medium");
        assertEquals(Quality.Verdict.DROP, Quality.judge(byLevel, json("{\"quality_ai\":\"LOW\"}")));
        assertEquals(Quality.Verdict.KEEP, Quality.judge(byLevel, json("{\"quality_ai\":\"Medium\"}")));
        assertEquals(Quality.Verdict.KEEP, Quality.judge(byLevel, json("{\"quality_ai\":\"HIGH\"}")));
        assertEquals(Quality.Verdict.UNRATED, Quality.judge(byLevel, json("{\"quality_ai\":\"SUPERB\"}")));
        assertEquals(Quality.Verdict.UNRATED, Quality.judge(byLevel, json("{\"other\":\"LOW\"}")));
        CleanConfig byNumber = config("0.5");
        assertEquals(Quality.Verdict.DROP, Quality.judge(byNumber, json("{\"quality_ai\":0.49}")));
        assertEquals(Quality.Verdict.KEEP, Quality.judge(byNumber, json("{\"quality_ai\":0.5}")));
        assertEquals(Quality.Verdict.DROP, Quality.judge(byNumber, json("{\"quality_ai\":\"0.2\"}")));
        assertEquals(Quality.Verdict.UNRATED, Quality.judge(byNumber, json("{\"quality_ai\":\"LOW\"}")));
    }

    @Test
    void badSettingsFailBeforeReading() {
        assertTrue(assertThrows(ConfigException.class, () -> config("BEST")).getMessage().contains("LOW,MEDIUM,HIGH"));
        assertThrows(ConfigException.class, () -> new CleanConfig(Format.TEXT, Records.LINES, "text", true, 500, true, "quality_ai", "LOW",
                List.of("LOW", "HIGH"), true, 200, 2));
        assertThrows(ConfigException.class, () -> new CleanConfig(Format.JSONL, null, "text", true, 500, true, "q", null,
                List.of("LOW", "low"), true, 200, 2));
        assertThrows(ConfigException.class, () -> new CleanConfig(Format.JSONL, null, "text", true, 500, true, "q", null,
                List.of("LOW"), true, -1, 2));
    }

    private static JsonNode json(String s) throws Exception { return RecordReader.JSON.readTree(s); }
}
