// Byte-level BPE (GPT-2/GPT-4 style, as Karpathy's minbpe): text is pre-split by the GPT-4 regex, each chunk's
// UTF-8 bytes are merged pair by pair in training order; special tokens are matched first and kept whole.
// Lossless: decode(encode(s)) == s for any valid UTF-8 text. Trained by BpeTrainer; saved as a small text file.
package dev.nanolm.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public final class Bpe implements Tokenizer {
    /** GPT-4's (cl100k_base) split pattern, as minbpe writes it; Unicode \s so that every space character splits alike. */
    public static final String GPT4_PATTERN =
            "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";
    static final Pattern SPLIT = Pattern.compile(GPT4_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
    static final String HEADER = "nanolm-bpe v1";
    /** minbpe's special token, registered by default so documents can be separated. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private final int[][] merges;          // merges[i] = {a, b}: the pair that became token 256 + i
    private final List<String> specials;   // token 256 + merges.length + j
    private final byte[][] bytes;          // id -> its bytes (empty for specials: decode handles them)
    private final HashMap<Long, Integer> rank = new HashMap<>(); // pair -> merged id (lower = earlier = applied first)
    private final Pattern specialPattern;  // null without specials
    private final HashMap<String, int[]> cache = new HashMap<>(); // chunks repeat a lot in real text

    public Bpe(int[][] merges, List<String> specials) {
        this.merges = merges;
        this.specials = List.copyOf(specials);
        int n = 256 + merges.length;
        bytes = new byte[n + specials.size()][];
        for (int i = 0; i < 256; i++) bytes[i] = new byte[] {(byte) i};
        for (int i = 0; i < merges.length; i++) {
            int a = merges[i][0], b = merges[i][1], id = 256 + i;
            if (a < 0 || b < 0 || a >= id || b >= id)
                throw new IllegalArgumentException("merge " + (i + 1) + " (" + a + " " + b + ") names a token not defined before it");
            byte[] x = bytes[a], y = bytes[b], xy = new byte[x.length + y.length];
            System.arraycopy(x, 0, xy, 0, x.length);
            System.arraycopy(y, 0, xy, x.length, y.length);
            bytes[id] = xy;
            rank.put(key(a, b), id);
        }
        for (int j = 0; j < specials.size(); j++) bytes[n + j] = specials.get(j).getBytes(StandardCharsets.UTF_8);
        specialPattern = specials.isEmpty() ? null
                : Pattern.compile(specials.stream().map(Pattern::quote).collect(Collectors.joining("|")));
    }

    static long key(int a, int b) { return ((long) a << 32) | (b & 0xffffffffL); }

    public int[][] merges() { return merges; }

    public List<String> specials() { return specials; }

    @Override public int vocabSize() { return bytes.length; }

    @Override public String kind() { return "bpe"; }

    @Override public String name() { return "bpe-" + vocabSize(); }

    @Override public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 16);
        if (specialPattern == null) encodeOrdinary(text, out);
        else {
            Matcher m = specialPattern.matcher(text);
            int at = 0;
            while (m.find()) {
                encodeOrdinary(text.substring(at, m.start()), out);
                out.add(256 + merges.length + specials.indexOf(m.group()));
                at = m.end();
            }
            encodeOrdinary(text.substring(at), out);
        }
        return out.toArray();
    }

    /** Chunks by the split regex; any text between matches is a chunk too, so nothing is ever dropped. */
    private void encodeOrdinary(String text, IntList out) {
        Matcher m = SPLIT.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) encodeChunk(text.substring(at, m.start()), out);
            encodeChunk(m.group(), out);
            at = m.end();
        }
        if (at < text.length()) encodeChunk(text.substring(at), out);
    }

    private void encodeChunk(String chunk, IntList out) {
        int[] ids = cache.get(chunk);
        if (ids == null) {
            ids = mergeBytes(chunk.getBytes(StandardCharsets.UTF_8));
            if (cache.size() > 200_000) cache.clear(); // bounded: a huge corpus of unique chunks must not fill the heap
            cache.put(chunk, ids);
        }
        for (int id : ids) out.add(id);
    }

    /** Repeatedly merges every occurrence of the adjacent pair merged earliest in training, as minbpe's encode. */
    int[] mergeBytes(byte[] b) {
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        int n = ids.length;
        while (n >= 2) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < n; i++) {
                Integer r = rank.get(key(ids[i], ids[i + 1]));
                if (r != null && r < best) best = r;
            }
            if (best == Integer.MAX_VALUE) break;
            n = mergePair(ids, n, merges[best - 256][0], merges[best - 256][1], best);
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    /** Replaces each non-overlapping (a, b), left to right, by id in ids[0, n); returns the new length. */
    static int mergePair(int[] ids, int n, int a, int b, int id) {
        int j = 0;
        for (int i = 0; i < n; ) {
            if (i + 1 < n && ids[i] == a && ids[i + 1] == b) { ids[j++] = id; i += 2; }
            else ids[j++] = ids[i++];
        }
        return j;
    }

    @Override public String decode(int[] ids, int from, int to) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) bo.writeBytes(tokenBytes(ids[i]));
        return bo.toString(StandardCharsets.UTF_8);
    }

    @Override public byte[] tokenBytes(int id) {
        if (id < 0 || id >= bytes.length) throw new IllegalArgumentException("token id " + id + " is outside the BPE vocabulary of " + bytes.length);
        return bytes[id];
    }

    /** The merges file: a header, the split pattern's name, the special tokens, then one "a b" merge per line. */
    @Override public String serialize() {
        StringBuilder sb = new StringBuilder(HEADER).append("\npattern gpt4\n");
        sb.append("specials ").append(specials.size()).append('\n');
        for (String s : specials) sb.append(s).append('\n');
        sb.append("merges ").append(merges.length).append('\n');
        for (int[] m : merges) sb.append(m[0]).append(' ').append(m[1]).append('\n');
        return sb.toString();
    }

    /** Reads serialize()'s form; IllegalArgumentException naming the first bad line. */
    public static Bpe parse(String text) {
        String[] lines = text.split("\n", -1);
        int[] at = {0};
        expect(lines, at, HEADER, "the first line must be '" + HEADER + "'");
        expect(lines, at, "pattern gpt4", "the split pattern must be 'pattern gpt4'");
        int ns = count(lines, at, "specials ");
        List<String> specials = new ArrayList<>();
        for (int i = 0; i < ns; i++) {
            String s = line(lines, at);
            if (s.isEmpty()) throw bad(at[0], "a special token is empty");
            specials.add(s);
        }
        int nm = count(lines, at, "merges ");
        int[][] merges = new int[nm][];
        for (int i = 0; i < nm; i++) {
            String[] p = line(lines, at).split(" ");
            try {
                if (p.length != 2) throw new NumberFormatException();
                merges[i] = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            } catch (NumberFormatException e) {
                throw bad(at[0], "a merge must be two token ids, 'a b'");
            }
        }
        try {
            return new Bpe(merges, specials);
        } catch (IllegalArgumentException e) {
            throw bad(at[0], e.getMessage());
        }
    }

    private static String line(String[] lines, int[] at) {
        if (at[0] >= lines.length) throw bad(at[0], "the file ends early");
        return lines[at[0]++];
    }

    private static void expect(String[] lines, int[] at, String want, String why) {
        if (!line(lines, at).equals(want)) throw bad(at[0], why);
    }

    private static int count(String[] lines, int[] at, String prefix) {
        String l = line(lines, at);
        try {
            if (!l.startsWith(prefix)) throw new NumberFormatException();
            int n = Integer.parseInt(l.substring(prefix.length()));
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw bad(at[0], "expected '" + prefix + "N'");
        }
    }

    private static IllegalArgumentException bad(int line, String why) {
        return new IllegalArgumentException("not a nanolm BPE merges file (line " + line + ": " + why + ")");
    }

    /** A growable int array (the encoded corpus can be millions of tokens: no boxing). */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int cap) { a = new int[Math.max(16, cap)]; }

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        int[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
