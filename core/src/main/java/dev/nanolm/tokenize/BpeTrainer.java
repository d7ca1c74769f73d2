// Trains a byte-level BPE: the corpus is pre-split once into chunks (GPT-4 regex) and counted, so merges work on
// the few thousand distinct chunks weighted by frequency; each merge updates pair counts only in the chunks that
// hold the pair (an index pair -> chunks) and a lazy max-heap picks the next pair. Ties go to the smaller pair
// (a, then b), so the same text always gives the same merges.
package dev.nanolm.tokenize;

import dev.nanolm.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public final class BpeTrainer {

    /** A BPE of exactly vocabSize tokens (256 bytes + merges + specials), or fewer when the text runs out of pairs. */
    public static Bpe train(String text, int vocabSize, List<String> specials) {
        int nMerges = vocabSize - 256 - specials.size();
        if (nMerges < 0)
            throw new ConfigException("--vocab-size " + vocabSize + " is below the 256 byte tokens plus " + specials.size() + " special tokens",
                    "use --vocab-size " + (256 + specials.size() + 256) + " or more");
        HashMap<String, Integer> chunkFreq = new HashMap<>();
        for (String part : withoutSpecials(text, specials)) {
            Matcher m = Bpe.SPLIT.matcher(part);
            int at = 0;
            while (m.find()) {
                if (m.start() > at) chunkFreq.merge(part.substring(at, m.start()), 1, Integer::sum);
                chunkFreq.merge(m.group(), 1, Integer::sum);
                at = m.end();
            }
            if (at < part.length()) chunkFreq.merge(part.substring(at), 1, Integer::sum);
        }
        int W = chunkFreq.size();
        int[][] words = new int[W][];
        long[] freq = new long[W];
        int w0 = 0;
        for (var e : chunkFreq.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            words[w0] = new int[b.length];
            for (int i = 0; i < b.length; i++) words[w0][i] = b[i] & 0xff;
            freq[w0++] = e.getValue();
        }
        HashMap<Long, Long> counts = new HashMap<>();
        HashMap<Long, HashSet<Integer>> where = new HashMap<>();
        for (int w = 0; w < W; w++) add(words[w], freq[w], w, counts, where, null);
        // highest count first, then the smaller pair: deterministic whatever the hash order
        PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        counts.forEach((p, c) -> heap.add(new long[] {c, p}));
        List<int[]> merges = new ArrayList<>();
        while (merges.size() < nMerges) {
            long[] top = heap.poll();
            if (top == null) break; // every chunk is one token: nothing left to merge
            Long now = counts.get(top[1]);
            if (now == null || now != top[0]) continue; // a stale entry: the pair's count changed since it was pushed
            long pair = top[1];
            int a = (int) (pair >>> 32), b = (int) pair, id = 256 + merges.size();
            merges.add(new int[] {a, b});
            HashSet<Long> touched = new HashSet<>();
            for (int w : where.remove(pair)) {
                int[] word = words[w];
                if (!holds(word, a, b)) continue; // the index keeps chunks that lost the pair to an earlier merge
                remove(word, freq[w], counts, touched);
                int n = Bpe.mergePair(word, word.length, a, b, id);
                words[w] = java.util.Arrays.copyOf(word, n);
                add(words[w], freq[w], w, counts, where, touched);
            }
            counts.remove(pair);
            for (long p : touched) {
                Long c = counts.get(p);
                if (c == null) continue;
                if (c <= 0) counts.remove(p);
                else heap.add(new long[] {c, p});
            }
        }
        return new Bpe(merges.toArray(new int[0][]), specials);
    }

    private static boolean holds(int[] word, int a, int b) {
        for (int i = 0; i + 1 < word.length; i++) if (word[i] == a && word[i + 1] == b) return true;
        return false;
    }

    private static void add(int[] word, long f, int w, HashMap<Long, Long> counts, HashMap<Long, HashSet<Integer>> where, HashSet<Long> touched) {
        for (int i = 0; i + 1 < word.length; i++) {
            long p = Bpe.key(word[i], word[i + 1]);
            counts.merge(p, f, Long::sum);
            where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
            if (touched != null) touched.add(p);
        }
    }

    private static void remove(int[] word, long f, HashMap<Long, Long> counts, HashSet<Long> touched) {
        for (int i = 0; i + 1 < word.length; i++) {
            long p = Bpe.key(word[i], word[i + 1]);
            counts.merge(p, -f, Long::sum);
            touched.add(p);
        }
    }

    /** The text between special tokens: specials are not merged into ordinary tokens. */
    private static List<String> withoutSpecials(String text, List<String> specials) {
        if (specials.isEmpty()) return List.of(text);
        return List.of(Pattern.compile(specials.stream().map(Pattern::quote).collect(Collectors.joining("|"))).split(text, -1));
    }

    private BpeTrainer() {}
}
