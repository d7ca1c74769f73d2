// CSV/TSV parsing for classifiers: quotes, doubled quotes, line breaks inside fields, `\n` escapes, headers,
// derived and given classes; bad rows (column count, unknown label, broken quotes) name their line.
package dev.nanolm.classify;

import dev.nanolm.tokenize.WordVocab;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.data.DataException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTextsTest {
    static final List<String> AG = List.of("World", "Sports", "Business", "Sci/Tech");

    static LabeledTexts ag(String csv) { return CsvTexts.parse(csv, "t.csv", CsvTexts.Columns.agNews(), AG, false); }

    @Test
    void agNewsRowsJoinTitleAndDescription() {
        LabeledTexts d = ag("\"3\",\"Wall St. Bears Claw Back\",\"Reuters - Short-sellers\\band of ultra-cynics\"\n\"1\",\"a\",\"b\"\n");
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {2, 0}, d.labels());
        assertEquals("Wall St. Bears Claw Back Reuters - Short-sellers band of ultra-cynics", d.texts()[0]);
        assertEquals("a b", d.texts()[1]);
    }

    @Test
    void quotesEscapedQuotesCommasAndLineBreaks() {
        LabeledTexts d = ag("2,\"He said \"\"hi, there\"\"\",\"two\nlines\"\r\n4,plain,x\\nY\n");
        assertEquals("He said \"hi, there\" two\nlines", d.texts()[0]);
        assertEquals("plain x Y", d.texts()[1]);
        assertArrayEquals(new int[] {1, 3}, d.labels());
    }

    @Test
    void backslashLineBreaksKeepTheWordThatFollows() {
        // AG News' own rows: a lone backslash is a line break, also before a word that starts with n
        assertEquals("rebel negotiators", CsvTexts.unescape("rebel\\negotiators"));
        assertEquals("scrap its nuclear tech", CsvTexts.unescape("scrap its\\nuclear tech"));
        assertEquals("world. Despite", CsvTexts.unescape("world.\\Despite"));
        assertEquals("dwindling band", CsvTexts.unescape("dwindling\\band"));
        assertEquals(" $25", CsvTexts.unescape("\\$25"));
        assertEquals("a b", CsvTexts.unescape("a\\\\b")); // a run of backslashes is one break
        // an escaped line break before a capital, a non-letter or the end loses its n
        assertEquals("one Two", CsvTexts.unescape("one\\nTwo"));
        assertEquals("one  2", CsvTexts.unescape("one\\n 2"));
        assertEquals("end ", CsvTexts.unescape("end\\n"));
        // through the CSV reader and the word splitter, which the fix must reach (the n is not lost on the way)
        assertArrayEquals(new String[] {"iran", "its", "nuclear", "program"}, WordVocab.words(ag("1,\"Iran\\n\",\"its\\nuclear program\"\n").texts()[0]));
    }

    @Test
    void classNamesAsLabelsAndDerivedClasses() {
        assertArrayEquals(new int[] {1}, ag("Sports,a,b\n").labels());
        LabeledTexts d = CsvTexts.parse("text,label\nfoo,neg\nbar,pos\nbaz,neg\n", "r.csv",
                new CsvTexts.Columns(2, new int[] {1}, true), null, false);
        assertEquals(List.of("neg", "pos"), d.classes());
        assertArrayEquals(new int[] {0, 1, 0}, d.labels());
        LabeledTexts n = CsvTexts.parse("10,a\n9,b\n", "n.csv", new CsvTexts.Columns(1, new int[] {2}, false), null, false);
        assertEquals(List.of("9", "10"), n.classes()); // numeric labels sort as numbers
    }

    @Test
    void tabSeparated() {
        LabeledTexts d = CsvTexts.parse("1\ttitle, with comma\tdesc\n", "t.tsv", CsvTexts.Columns.agNews(), AG, true);
        assertEquals("title, with comma desc", d.texts()[0]);
    }

    @Test
    void wrongColumnCountNamesTheLine() {
        DataException e = assertThrows(DataException.class, () -> ag("1,a,b\n2,\"multi\nline\",c\n3,a\n"));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("2 columns"), e.getMessage());
        DataException few = assertThrows(DataException.class, () -> ag("1,a\n"));
        assertTrue(few.getMessage().contains("line 1"), few.getMessage());
    }

    @Test
    void labelOutsideTheClassesNamesTheLine() {
        DataException e = assertThrows(DataException.class, () -> ag("1,a,b\n5,a,b\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'5'"), e.getMessage());
        assertThrows(DataException.class, () -> ag("1,a,b\nPolitics,a,b\n"));
    }

    @Test
    void brokenQuotesAndEmptyInput() {
        DataException e = assertThrows(DataException.class, () -> ag("1,a,b\n2,\"open,b\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(DataException.class, () -> ag(""));
        assertThrows(DataException.class, () -> ag("\n\n"));
    }
}
