// Char vocabularies: code-point order, boundary token, non-BMP characters, serialisation, unknown characters.
package dev.nanolm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CharVocabTest {
    @Test
    void sortedByCodePointWithBoundaryFirst() {
        CharVocab v = CharVocab.fromText("cab\nba", true);
        assertEquals(4, v.size());
        assertEquals(1, v.id('a'));
        assertEquals(3, v.id('c'));
        assertEquals(-1, v.id('\n'));
        assertEquals(".", v.decode(0));
    }

    @Test
    void nonBmpAndPolishRoundTrip() {
        String text = "zażółć gęślą jaźń 🐉 привет";
        CharVocab v = CharVocab.fromText(text, false);
        int[] ids = v.encode(text);
        assertEquals(text.codePointCount(0, text.length()), ids.length);
        assertEquals(text, v.decodeText(ids, 0, ids.length));
        CharVocab back = CharVocab.parse(v.serialize());
        assertEquals(v, back);
        assertArrayEquals(ids, back.encode(text));
    }

    @Test
    void unknownCharactersAreListed() {
        CharVocab v = CharVocab.fromText("abc", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("abxzx"));
        assertTrue(e.getMessage().contains("'x' 'z'"), e.getMessage()); // quoted, so a space or a newline shows
    }
}
