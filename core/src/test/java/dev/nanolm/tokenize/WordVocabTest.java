// The word vocabulary (classifiers, --tokenizer word): normalisation, the min-count threshold, specials, encoding and
// its JSON form; as a Tokenizer, a lossy round trip, its checkpoint form and streamed words.
package dev.nanolm.tokenize;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class WordVocabTest {
    @Test
    void wordsAreLowercasedWithoutPunctuation() {
        assertArrayEquals(new String[] {"dont", "stop", "the", "us", "market", "39s", "rally"},
                WordVocab.words("Don't STOP: the U.S. market #39;s\\rally!!"));
        assertEquals(0, WordVocab.words(" ... ").length);
    }

    @Test
    void keepsWordsSeenMoreThanMinCountAfterTheSpecials() {
        WordVocab v = WordVocab.build(new String[] {"a a b", "a b c", "b d"}, 1); // a:3 b:3 c:1 d:1
        assertEquals(6, v.size());
        assertEquals(java.util.List.of("<unk>", "<bos>", "<eos>", "<pad>", "a", "b"),
                java.util.stream.IntStream.range(0, v.size()).mapToObj(v::word).toList());
        assertArrayEquals(new int[] {WordVocab.BOS, 4, WordVocab.UNK, 5, WordVocab.EOS}, v.encode("A c, B", 256));
        assertArrayEquals(new int[] {WordVocab.BOS, 4, 4}, v.encode("a a a a", 3)); // cut at max-len
        assertArrayEquals(new int[] {WordVocab.BOS, WordVocab.EOS}, v.encode("", 256));
        assertEquals(2.0 / 8, v.unknownShare(new String[] {"a a b", "a b c", "b d"}), 1e-12);
    }

    @Test
    void jsonRoundTrip() {
        WordVocab v = WordVocab.build(new String[] {"x y x y \"q\" z"}, 0);
        assertEquals(v, WordVocab.fromJson(v.toJson()));
        assertThrows(IllegalArgumentException.class, () -> WordVocab.fromJson("[\"a\"]"));
        assertThrows(IllegalArgumentException.class, () -> WordVocab.fromJson("{"));
    }

    @Test
    void asATokenizerItEncodesWordsAndDecodesThemJoinedWithSpaces() {
        WordVocab v = (WordVocab) Tokenizers.fromSpec("word", "The cat; the DOG.\nthe cat", 1); // the:3 cat:2 dog:1
        assertEquals(java.util.List.of("the", "cat"), java.util.List.of(v.word(4), v.word(5)));
        assertEquals("word", v.kind());
        assertEquals("word-6", v.name());
        int[] ids = v.encode("The cat saw the dog!");
        assertArrayEquals(new int[] {4, 5, WordVocab.UNK, 4, WordVocab.UNK}, ids); // no <bos>/<eos> in a corpus
        assertEquals("the cat <unk> the <unk>", v.decode(ids));
        assertEquals("cat <unk>", v.decode(ids, 1, 3));
        assertEquals(v, Tokenizers.fromCheckpoint(v.kind(), v.serialize(), null));
        // streamed, each word follows a space: the same words as decode
        StringBuilder sb = new StringBuilder();
        TokenStream ts = new TokenStream(v);
        for (int id : ids) sb.append(ts.push(id));
        assertEquals(" " + v.decode(ids), sb + ts.finish());
    }
}
