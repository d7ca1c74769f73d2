// The other tokenizers: byte round trips, tiktoken encodings against published ids and JTokkit's own counts,
// compacted vocabularies map both ways, streamed tokens give whole characters, bad specs list the choices.
package dev.nanolm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.nanolm.config.ConfigException;
import dev.nanolm.data.DataException;
import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenizersTest {
    static String randomText(Random r, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int cp = switch (r.nextInt(5)) {
                case 0 -> 0x20 + r.nextInt(95);
                case 1 -> 0x300 + r.nextInt(0x70);      // combining marks
                case 2 -> 0x4e00 + r.nextInt(0x5000);   // CJK
                case 3 -> 0x1f300 + r.nextInt(0x800);   // emoji: surrogate pairs in Java
                default -> r.nextInt(0x10ffff + 1);
            };
            if (cp >= 0xd800 && cp <= 0xdfff) cp = '?';
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    @Test
    void byteRoundTripsAnyText() {
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            String s = randomText(r, r.nextInt(80));
            int[] ids = ByteTokenizer.INSTANCE.encode(s);
            assertTrue(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < 256));
            assertEquals(s, ByteTokenizer.INSTANCE.decode(ids));
        }
        assertEquals(4, ByteTokenizer.INSTANCE.encode("🐉").length);
    }

    @Test
    void tiktokenMatchesPublishedIds() {
        assertArrayEquals(new int[] {15339, 1917}, new Tiktoken("cl100k_base").encode("hello world"));
        assertArrayEquals(new int[] {31373, 995}, new Tiktoken("r50k_base").encode("hello world"));
        assertArrayEquals(new int[] {24912, 2375}, new Tiktoken("o200k_base").encode("hello world"));
        Tiktoken cl = new Tiktoken("cl100k_base");
        assertEquals("<|endoftext|> is text", cl.decode(cl.encode("<|endoftext|> is text"))); // special text stays text
    }

    @Test
    void cl100kCountsEqualJtokkitsAndRoundTrip() throws Exception {
        var ref = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        Tiktoken cl = new Tiktoken("cl100k_base");
        String shakespeare = Files.readString(TestData.file("tinyshakespeare.txt"));
        String names = Files.readString(TestData.file("names.txt"));
        Random r = new Random(5);
        for (String s : new String[] {shakespeare, names, randomText(r, 3000), "Zażółć gęślą jaźń 🐉 日本語"}) {
            int[] ids = cl.encode(s);
            assertEquals(ref.countTokensOrdinary(s), ids.length);
            assertEquals(s, cl.decode(ids));
        }
        assertEquals(301_829, cl.encode(shakespeare).length); // `nanolm tokenize` reports the same
    }

    @Test
    void compactVocabMapsBothWays() {
        Tiktoken cl = new Tiktoken("cl100k_base");
        String text = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer 🐉";
        CompactVocab cv = CompactVocab.of(cl, cl.encode(text));
        assertTrue(cv.vocabSize() < 40, "a few dozen ids, not 100k: " + cv.vocabSize());
        int[] ids = cv.encode(text);
        assertTrue(java.util.Arrays.stream(ids).allMatch(i -> i >= 0 && i < cv.vocabSize()));
        assertEquals(text, cv.decode(ids));
        assertArrayEquals(cl.encode(text), cv.toInner(ids, 0, ids.length));
        CompactVocab back = CompactVocab.parseTokenMap(cl, cv.tokenMap());
        assertArrayEquals(ids, back.encode(text));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cv.encode("Kubernetes"));
        assertTrue(e.getMessage().contains("not in the compacted vocabulary"), e.getMessage());
    }

    @Test
    void streamedTokensGiveWholeCharacters() {
        String s = "a🐉ż日";
        TokenStream ts = new TokenStream(ByteTokenizer.INSTANCE);
        StringBuilder sb = new StringBuilder();
        for (int id : ByteTokenizer.INSTANCE.encode(s)) {
            String piece = ts.push(id);
            assertTrue(!piece.contains("\uFFFD"), "no half characters: " + piece);
            sb.append(piece);
        }
        sb.append(ts.finish());
        assertEquals(s, sb.toString());
        TokenStream cut = new TokenStream(ByteTokenizer.INSTANCE);
        cut.push(0xF0);
        assertEquals("\uFFFD", cut.finish()); // a character cut off at the end is shown, not lost silently
    }

    @Test
    void badSpecsAreNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> Tokenizers.check("wordpiece"));
        assertTrue(e.getMessage().contains("char, word, byte, bpe:<merges file> or tiktoken:<r50k_base|p50k_base|cl100k_base|o200k_base>"), e.getMessage());
        assertThrows(ConfigException.class, () -> Tokenizers.check("tiktoken:gpt5"));
        assertThrows(ConfigException.class, () -> Tokenizers.check("bpe:"));
        DataException d = assertThrows(DataException.class, () -> Tokenizers.fromSpec("bpe:/nonexistent/merges.bpe", ""));
        assertTrue(d.getMessage().contains("no BPE merges file"), d.getMessage());
        assertEquals(CharVocab.fromText("ba", false), Tokenizers.fromSpec("char", "ab"));
    }
}
