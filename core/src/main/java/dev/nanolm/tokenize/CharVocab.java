// Character vocabulary: the distinct code points of a corpus sorted by value, optionally preceded by a
// boundary token (id 0, shown as '.') that starts and ends each item of a line dataset, as in makemore.
// The "char" tokenizer; its serialised form is the checkpoint format of every run before other tokenizers existed.
package dev.nanolm.tokenize;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

public final class CharVocab implements Tokenizer {
    public static final int BOUNDARY = 0;
    public static final String BOUNDARY_SHOWN = ".";

    private final boolean boundary;
    private final int[] codePoints;          // id -> code point (index 0 unused when boundary)
    private final Map<Integer, Integer> ids; // code point -> id

    private CharVocab(boolean boundary, int[] sortedCodePoints) {
        this.boundary = boundary;
        int off = boundary ? 1 : 0;
        this.codePoints = new int[sortedCodePoints.length + off];
        this.ids = new HashMap<>();
        if (boundary) codePoints[0] = -1;
        for (int i = 0; i < sortedCodePoints.length; i++) {
            codePoints[i + off] = sortedCodePoints[i];
            ids.put(sortedCodePoints[i], i + off);
        }
    }

    /** The vocabulary of every code point in text except line breaks when boundary (items are lines then). */
    public static CharVocab fromText(CharSequence text, boolean boundary) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(cp -> {
            if (!(boundary && (cp == '\n' || cp == '\r'))) set.add(cp);
        });
        return new CharVocab(boundary, set.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() { return codePoints.length; }

    @Override public int vocabSize() { return codePoints.length; }

    @Override public String kind() { return "char"; }

    @Override public String decode(int[] ids, int from, int to) { return decodeText(ids, from, to); }

    /** UTF-8 of the token's character; nothing for the boundary token (decodeText skips it too). */
    @Override public byte[] tokenBytes(int id) {
        if (boundary && id == BOUNDARY) return new byte[0];
        return new String(Character.toChars(codePoints[id])).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean hasBoundary() { return boundary; }

    /** The code point of an id; -1 for the boundary token. */
    public int codePointOf(int id) { return codePoints[id]; }

    /** Code points for a message: each quoted, control characters and spaces escaped ('a' '\\n' 'U+00A0'). */
    public static String show(java.util.Collection<Integer> cps) {
        StringBuilder sb = new StringBuilder();
        for (int cp : cps) {
            if (cp < 0) continue;
            if (sb.length() > 0) sb.append(' ');
            if (cp == '\n') sb.append("'\\n'");
            else if (cp == '\t') sb.append("'\\t'");
            else if (cp == '\r') sb.append("'\\r'");
            else if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp) && cp != ' ')
                sb.append(cp == ' ' ? "' '" : String.format("U+%04X", cp));
            else sb.append('\'').appendCodePoint(cp).append('\'');
        }
        return sb.toString();
    }

    /** Id of a code point, or -1 when it is not in the vocabulary. */
    public int id(int codePoint) { return ids.getOrDefault(codePoint, -1); }

    /** Ids of the code points of s; throws IllegalArgumentException listing any unknown characters. */
    @Override public int[] encode(String s) {
        int[] cps = s.codePoints().toArray();
        int[] out = new int[cps.length];
        TreeSet<Integer> unknown = new TreeSet<>();
        for (int i = 0; i < cps.length; i++) {
            out[i] = id(cps[i]);
            if (out[i] < 0) unknown.add(cps[i]);
        }
        if (!unknown.isEmpty()) throw new IllegalArgumentException("characters not in the vocabulary: " + show(unknown));
        return out;
    }

    public String decode(int id) {
        if (boundary && id == BOUNDARY) return BOUNDARY_SHOWN;
        return new String(Character.toChars(codePoints[id]));
    }

    /** Decodes ids, skipping the boundary token. */
    public String decodeText(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) if (!(boundary && ids[i] == BOUNDARY)) sb.appendCodePoint(codePoints[ids[i]]);
        return sb.toString();
    }

    /** Serialised form for checkpoints: "boundary:" or "plain:" followed by the characters in id order. */
    @Override public String serialize() {
        StringBuilder sb = new StringBuilder(boundary ? "boundary:" : "plain:");
        for (int i = boundary ? 1 : 0; i < codePoints.length; i++) sb.appendCodePoint(codePoints[i]);
        return sb.toString();
    }

    public static CharVocab parse(String s) {
        boolean b;
        String chars;
        if (s.startsWith("boundary:")) { b = true; chars = s.substring(9); }
        else if (s.startsWith("plain:")) { b = false; chars = s.substring(6); }
        else throw new IllegalArgumentException("not a serialised char vocabulary");
        return new CharVocab(b, chars.codePoints().toArray());
    }

    @Override public boolean equals(Object o) {
        return o instanceof CharVocab v && v.boundary == boundary && Arrays.equals(v.codePoints, codePoints);
    }

    @Override public int hashCode() { return Arrays.hashCode(codePoints) * 31 + (boundary ? 1 : 0); }
}
