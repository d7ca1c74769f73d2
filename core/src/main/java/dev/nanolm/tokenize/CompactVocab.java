// A big vocabulary narrowed to the ids a corpus uses, renumbered 0..k-1 in id order: a GPT on cl100k_base tokens
// of Tiny Shakespeare needs an embedding of ~12k rows, not 100k. The id list goes into the checkpoint to map back.
package dev.nanolm.tokenize;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.Collectors;

public final class CompactVocab implements Tokenizer {
    private final Tokenizer inner;
    private final int[] used; // compact id -> inner id, ascending

    public CompactVocab(Tokenizer inner, int[] usedSortedIds) {
        for (int i = 0; i < usedSortedIds.length; i++)
            if (usedSortedIds[i] < 0 || usedSortedIds[i] >= inner.vocabSize() || i > 0 && usedSortedIds[i] <= usedSortedIds[i - 1])
                throw new IllegalArgumentException("the token map must list distinct ids of " + inner.name() + " in ascending order");
        this.inner = inner;
        this.used = usedSortedIds.clone();
    }

    /** The compacted form of inner over ids (every id they use, and no other). */
    public static CompactVocab of(Tokenizer inner, int[]... ids) {
        boolean[] seen = new boolean[inner.vocabSize()];
        for (int[] a : ids) for (int id : a) seen[id] = true;
        int k = 0;
        for (boolean s : seen) if (s) k++;
        int[] used = new int[k];
        for (int i = 0, j = 0; i < seen.length; i++) if (seen[i]) used[j++] = i;
        return new CompactVocab(inner, used);
    }

    public Tokenizer inner() { return inner; }

    /** The inner id of each compact id. */
    public int[] used() { return used.clone(); }

    /** Inner ids to compact ids; IllegalArgumentException naming tokens the corpus never used. */
    public int[] toCompact(int[] innerIds) {
        int[] out = new int[innerIds.length];
        TreeSet<String> missing = new TreeSet<>();
        for (int i = 0; i < innerIds.length; i++) {
            out[i] = Arrays.binarySearch(used, innerIds[i]);
            if (out[i] < 0) missing.add("'" + inner.decode(innerIds, i, i + 1) + "'");
        }
        if (!missing.isEmpty())
            throw new IllegalArgumentException("tokens not in the compacted vocabulary (the training text never used them): "
                    + missing.stream().limit(10).collect(Collectors.joining(" ")) + (missing.size() > 10 ? " …" : ""));
        return out;
    }

    public int[] toInner(int[] ids, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) out[i - from] = used[ids[i]];
        return out;
    }

    @Override public int[] encode(String text) { return toCompact(inner.encode(text)); }

    @Override public String decode(int[] ids, int from, int to) { return inner.decode(toInner(ids, from, to)); }

    @Override public byte[] tokenBytes(int id) { return inner.tokenBytes(used[id]); }

    @Override public int vocabSize() { return used.length; }

    @Override public String kind() { return inner.kind(); }

    @Override public String name() { return inner.name() + " compact " + used.length; }

    @Override public String serialize() { return inner.serialize(); }

    /** The checkpoint's "token_map": the inner ids in compact order, comma separated. */
    public String tokenMap() { return Arrays.stream(used).mapToObj(Integer::toString).collect(Collectors.joining(",")); }

    public static CompactVocab parseTokenMap(Tokenizer inner, String map) {
        int[] ids = map.isEmpty() ? new int[0] : Arrays.stream(map.split(",")).mapToInt(Integer::parseInt).toArray();
        return new CompactVocab(inner, ids);
    }
}
