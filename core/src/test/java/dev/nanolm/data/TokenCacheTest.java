// Token caches: train.bin/val.bin round trip, a second load maps instead of encoding, uint32 ids for big
// vocabularies, damaged files rebuilt, batches identical to an in-memory corpus, fallback when the cache is read-only.
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.ByteTokenizer;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
    @TempDir Path tmp;
    final List<String> log = new ArrayList<>();
    static final String TEXT = "It is a truth universally acknowledged, that a single man in possession of a good fortune,\n".repeat(30);

    TextCorpus load(Path root, Path fallback, Tokenizer tok) {
        return new TokenCache(root, fallback, log::add).corpus(TEXT, 16, "t", tok, false);
    }

    static Path onlyDir(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            List<Path> l = s.toList();
            assertEquals(1, l.size(), l.toString());
            return l.get(0);
        }
    }

    @Test
    void filesRoundTripAndASecondLoadMapsThem() throws IOException {
        Path root = tmp.resolve("cache");
        TextCorpus first = load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(0).startsWith("tokens: encoded "), log.toString());
        Path dir = onlyDir(root);
        TextCorpus mem = new TextCorpus(TEXT, 16, "t");
        // train.bin is the train ids as little-endian uint16, as nanoGPT's prepare.py writes them
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("train.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[b.capacity() / 2];
        for (int i = 0; i < ids.length; i++) ids[i] = b.getShort(i * 2) & 0xffff;
        assertArrayEquals(mem.trainTokens(), ids);
        assertTrue(Files.readString(dir.resolve("meta.json")).contains("\"dtype\" : \"uint16\""));
        TextCorpus second = load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(1).startsWith("tokens: cached " + dir), log.toString());
        assertEquals(2, log.size());
        for (TextCorpus c : new TextCorpus[] {first, second}) {
            assertArrayEquals(mem.trainTokens(), c.trainTokens());
            assertArrayEquals(mem.valTokens(), c.valTokens());
            assertEquals(mem.samplePrompt(), c.samplePrompt());
        }
        load(root, null, ByteTokenizer.INSTANCE); // another tokenizer: another key
        assertTrue(log.get(2).startsWith("tokens: encoded "), log.toString());
    }

    @Test
    void batchesAreThoseOfTheInMemoryCorpus() {
        TextCorpus mem = new TextCorpus(TEXT, 16, "t");
        TextCorpus mapped = load(tmp.resolve("cache"), null, CharVocab.fromText(TEXT, false));
        int B = 7, T = 16;
        Rng r1 = new Rng(1337), r2 = new Rng(1337);
        for (int step = 0; step < 20; step++) {
            int[] x1 = new int[B * T], y1 = new int[B * T], x2 = new int[B * T], y2 = new int[B * T];
            mem.batch(LmData.Split.TRAIN, B, r1, x1, y1);
            mapped.batch(LmData.Split.TRAIN, B, r2, x2, y2);
            assertArrayEquals(x1, x2);
            assertArrayEquals(y1, y2);
        }
        int n = mem.fullCount(LmData.Split.VAL);
        assertEquals(n, mapped.fullCount(LmData.Split.VAL));
        int[] x1 = new int[n * T], y1 = new int[n * T], x2 = new int[n * T], y2 = new int[n * T];
        mem.fullBatch(LmData.Split.VAL, 0, n, x1, y1);
        mapped.fullBatch(LmData.Split.VAL, 0, n, x2, y2);
        assertArrayEquals(x1, x2);
        assertArrayEquals(y1, y2);
    }

    /** Bytes as ids shifted past 65,536: a vocabulary that needs uint32. */
    static final class WideBytes implements Tokenizer {
        static final int SHIFT = 70_000;
        @Override public int[] encode(String text) {
            int[] ids = ByteTokenizer.INSTANCE.encode(text);
            for (int i = 0; i < ids.length; i++) ids[i] += SHIFT;
            return ids;
        }
        @Override public String decode(int[] ids, int from, int to) {
            int[] b = new int[to - from];
            for (int i = from; i < to; i++) b[i - from] = ids[i] - SHIFT;
            return ByteTokenizer.INSTANCE.decode(b);
        }
        @Override public byte[] tokenBytes(int id) { return new byte[] {(byte) (id - SHIFT)}; }
        @Override public int vocabSize() { return SHIFT + 256; }
        @Override public String kind() { return "wide"; }
        @Override public String serialize() { return "wide"; }
    }

    @Test
    void bigVocabulariesAreStoredAsUint32() throws IOException {
        Tokenizer wide = new WideBytes();
        Path root = tmp.resolve("cache");
        TextCorpus c = load(root, null, wide);
        Path dir = onlyDir(root);
        assertTrue(Files.readString(dir.resolve("meta.json")).contains("\"dtype\" : \"uint32\""));
        assertEquals(4L * c.trainTokens().length, Files.size(dir.resolve("train.bin")));
        TextCorpus again = load(root, null, wide);
        assertTrue(log.get(1).startsWith("tokens: cached"), log.toString());
        assertArrayEquals(wide.encode(TEXT.substring(0, 100)), java.util.Arrays.copyOf(again.trainTokens(), 100));
        assertTrue(again.trainTokens()[0] >= 65536);
        assertEquals(c.samplePrompt(), again.samplePrompt());
    }

    @Test
    void aDamagedCacheIsRebuiltNotTrusted() throws IOException {
        Path root = tmp.resolve("cache");
        TextCorpus good = load(root, null, CharVocab.fromText(TEXT, false));
        Path dir = onlyDir(root);
        byte[] val = Files.readAllBytes(dir.resolve("val.bin"));
        Files.write(dir.resolve("val.bin"), java.util.Arrays.copyOf(val, val.length - 2)); // truncated
        TextCorpus c = load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(1).contains("not usable") && log.get(1).contains("val.bin has"), log.toString());
        assertTrue(log.get(2).startsWith("tokens: encoded "), log.toString());
        assertArrayEquals(good.valTokens(), c.valTokens());
        byte[] train = Files.readAllBytes(dir.resolve("train.bin"));
        train[10] ^= 1; // same size, other ids
        Files.write(dir.resolve("train.bin"), train);
        c = load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(3).contains("train.bin does not match its SHA-256"), log.toString());
        assertArrayEquals(good.trainTokens(), c.trainTokens());
        Files.writeString(dir.resolve("meta.json"), "{");
        load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(5).contains("does not parse"), log.toString());
        load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(7).startsWith("tokens: cached"), log.toString());
    }

    @Test
    void cacheFilesReplacedByDirectoriesOrBinaryJunkAreRebuilt() throws IOException {
        Path root = tmp.resolve("cache");
        TextCorpus good = load(root, tmp.resolve("run"), CharVocab.fromText(TEXT, false));
        Path dir = onlyDir(root);
        Files.delete(dir.resolve("val.bin"));
        Files.createDirectory(dir.resolve("val.bin")); // cannot be rebuilt in place: the run directory takes it
        TextCorpus c = load(root, tmp.resolve("run"), CharVocab.fromText(TEXT, false));
        assertTrue(log.get(1).contains("val.bin is missing"), log.toString());
        assertArrayEquals(good.valTokens(), c.valTokens());
        Files.write(dir.resolve("meta.json"), new byte[] {(byte) 0xFF, 0, (byte) 0xC3, 0x28, 7});
        c = load(root, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.stream().anyMatch(l -> l.contains("meta.json does not parse")), log.toString());
        assertArrayEquals(good.trainTokens(), c.trainTokens());
        assertArrayEquals(good.valTokens(), c.valTokens());
    }

    @Test
    void aReadOnlyCacheFallsBackToTheRunDirectoryThenToMemory() throws IOException {
        Path blocked = Files.writeString(tmp.resolve("a-file"), "not a directory"); // cannot hold the cache: works as root
        Path run = tmp.resolve("run").resolve("tokens");
        TextCorpus c = load(blocked, run, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(0).contains("into " + run), log.toString());
        assertTrue(Files.exists(run.resolve("meta.json")));
        load(blocked, run, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(1).startsWith("tokens: cached " + run), log.toString());
        TextCorpus mem = load(blocked, null, CharVocab.fromText(TEXT, false));
        assertTrue(log.get(2).contains("not cached"), log.toString());
        assertArrayEquals(c.trainTokens(), mem.trainTokens());
        assertFalse(Files.isDirectory(blocked));
    }
}
