// Byte-level BPE: exact round trip on every shared dataset and on random valid UTF-8 (emoji, CJK, combining marks),
// deterministic merges that reach the requested size, special tokens kept whole, the merges file read back.
package dev.nanolm.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BpeTest {
    static String shakespeare;
    static Bpe bpe512;

    @BeforeAll
    static void train() throws Exception {
        shakespeare = Files.readString(TestData.file("tinyshakespeare.txt"));
        bpe512 = BpeTrainer.train(shakespeare, 512, List.of(Bpe.END_OF_TEXT));
    }

    @Test
    void trainingReachesTheRequestedSizeAndIsDeterministic() {
        assertEquals(512, bpe512.vocabSize());
        assertEquals(512 - 256 - 1, bpe512.merges().length);
        String part = shakespeare.substring(0, 200_000); // a second full training would double the test's time
        assertEquals(BpeTrainer.train(part, 400, List.of()).serialize(), BpeTrainer.train(part, 400, List.of()).serialize());
        int[] first = bpe512.merges()[0];
        assertTrue(first[0] < 256 && first[1] < 256, "the first merge joins two bytes");
        int[] ids = bpe512.encode(shakespeare);
        assertTrue(ids.length < shakespeare.length() / 2.0, "512 tokens should more than halve the length: " + ids.length);
    }

    @Test
    void roundTripIsExactOnEverySharedDataset() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(TestData.dir())) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertTrue(files.size() >= 5, files.toString());
        for (Path f : files) {
            String text = Files.readString(f);
            assertEquals(text, bpe512.decode(bpe512.encode(text)), f.toString());
        }
    }

    @Test
    void roundTripIsExactOnRandomUnicode() {
        Random r = new Random(7);
        int[][] ranges = {{0x20, 0x7e}, {0x00, 0x1f}, {0xa0, 0x24f}, {0x300, 0x36f}, {0x400, 0x4ff}, {0x4e00, 0x9fff},
                {0xac00, 0xd7a3}, {0x1f300, 0x1faff}, {0x10000, 0x10ffff}, {0xe000, 0xffff}};
        for (int n = 0; n < 300; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(60);
            for (int i = 0; i < len; i++) {
                int[] rg = ranges[r.nextInt(ranges.length)];
                int cp = rg[0] + r.nextInt(rg[1] - rg[0] + 1);
                if (cp >= 0xd800 && cp <= 0xdfff) cp = 'x'; // lone surrogates are not valid UTF-8
                sb.appendCodePoint(cp);
                if (r.nextInt(8) == 0) sb.append(r.nextBoolean() ? " " : "\n");
            }
            String s = sb.toString();
            assertEquals(s, bpe512.decode(bpe512.encode(s)), "round trip of " + s.codePoints().mapToObj(Integer::toHexString).toList());
        }
        String hard = "e\u0301 👩‍👩‍👧‍👦 🐉 日本語のテキスト 한국어 Zażółć  \t\r\n\n   x's WE'LL 123456 <|endoftext|> <|endof";
        assertEquals(hard, bpe512.decode(bpe512.encode(hard)));
    }

    @Test
    void specialTokensAreOneTokenAndNotLearnedFrom() {
        int[] ids = bpe512.encode("hello<|endoftext|>world");
        assertTrue(java.util.Arrays.stream(ids).filter(i -> i == 511).count() == 1, java.util.Arrays.toString(ids));
        assertEquals("hello<|endoftext|>world", bpe512.decode(ids));
    }

    @Test
    void mergesFileReadsBackAndBadFilesAreNamed() {
        Bpe back = Bpe.parse(bpe512.serialize());
        assertArrayEquals(bpe512.encode(shakespeare.substring(0, 5000)), back.encode(shakespeare.substring(0, 5000)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bpe.parse("nanolm-bpe v1\npattern gpt4\nspecials 0\nmerges 1\n300 1\n"));
        assertTrue(e.getMessage().contains("line 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bpe.parse("hello"));
    }

    @Test
    void tooSmallAVocabularyIsAUsageError() {
        assertThrows(dev.nanolm.config.ConfigException.class, () -> BpeTrainer.train("abc", 200, List.of()));
        // a tiny text runs out of pairs before the size: every chunk is one token then
        Bpe small = BpeTrainer.train("ab ab ab", 300, List.of());
        assertTrue(small.vocabSize() < 300);
        assertEquals(List.of(2), List.of(small.encode("ab ab").length));
    }
}
