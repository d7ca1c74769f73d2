// Word vocabulary (the classifiers', and the "word" tokenizer): lowercase, punctuation removed, split on whitespace;
// words seen more than min-count times in the training texts, after the specials <unk> <bos> <eos> <pad>. Saved as
// JSON in checkpoints. Decoding joins words with spaces, so a round trip loses case, punctuation and line breaks.
package dev.nanolm.tokenize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

public final class WordVocab implements Tokenizer {
    public static final int UNK = 0, BOS = 1, EOS = 2, PAD = 3;
    static final List<String> SPECIALS = List.of("<unk>", "<bos>", "<eos>", "<pad>");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    private WordVocab(List<String> words) {
        if (words.size() < SPECIALS.size() || !words.subList(0, SPECIALS.size()).equals(SPECIALS))
            throw new IllegalArgumentException("a vocabulary starts with " + SPECIALS);
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++)
            if (ids.put(words.get(i), i) != null) throw new IllegalArgumentException("word '" + words.get(i) + "' appears twice");
    }

    /** Lowercased words with punctuation and symbols removed (a backslash separates words: AG News' line breaks). */
    public static String[] words(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) sb.append(c);
            else if (Character.isWhitespace(c) || c == '\\') sb.append(' ');
            // else: punctuation is dropped, so "don't" is one word and "u.s." is "us"
        }
        String t = sb.toString().strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    /** Words seen more than minCount times, most frequent first (ties alphabetical, so the order is reproducible). */
    public static WordVocab build(String[] texts, int minCount) {
        HashMap<String, Integer> counts = new HashMap<>();
        for (String t : texts) for (String w : words(t)) counts.merge(w, 1, Integer::sum);
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (var e : counts.entrySet()) if (e.getValue() > minCount && !SPECIALS.contains(e.getKey())) kept.add(e);
        kept.sort((a, b) -> !a.getValue().equals(b.getValue()) ? Integer.compare(b.getValue(), a.getValue()) : a.getKey().compareTo(b.getKey()));
        List<String> words = new ArrayList<>(SPECIALS);
        for (var e : kept) words.add(e.getKey());
        return new WordVocab(words);
    }

    public int size() { return words.size(); }

    @Override public int vocabSize() { return words.size(); }

    @Override public String kind() { return "word"; }

    @Override public String name() { return "word-" + words.size(); }

    @Override public String serialize() { return toJson(); }

    /** The ids of text's words, unknown ones as UNK; no <bos>/<eos> (a corpus is one stream, as with other tokenizers). */
    @Override public int[] encode(String text) {
        String[] ws = words(text);
        int[] out = new int[ws.length];
        for (int i = 0; i < ws.length; i++) out[i] = id(ws[i]);
        return out;
    }

    /** The words of ids[from, to) joined with single spaces (specials appear as themselves, e.g. <unk>). */
    @Override public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(i == from ? "" : " ").append(words.get(ids[i]));
        return sb.toString();
    }

    /** A space and the word: streamed tokens then read as words separated by spaces. */
    @Override public byte[] tokenBytes(int id) { return (" " + words.get(id)).getBytes(java.nio.charset.StandardCharsets.UTF_8); }

    public String word(int id) { return words.get(id); }

    /** The id of a word, UNK when it is not in the vocabulary. */
    public int id(String word) { return ids.getOrDefault(word, UNK); }

    /** <bos> ids <eos>, cut to maxLen tokens. */
    public int[] encode(String text, int maxLen) {
        String[] ws = words(text);
        int[] out = new int[Math.min(maxLen, ws.length + 2)];
        out[0] = BOS;
        for (int i = 1; i < out.length; i++) out[i] = i - 1 < ws.length ? id(ws[i - 1]) : EOS;
        return out;
    }

    /** Share of word tokens (not specials) that are unknown, over texts. */
    public double unknownShare(String[] texts) {
        long unk = 0, all = 0;
        for (String t : texts) for (String w : words(t)) { all++; if (!ids.containsKey(w)) unk++; }
        return all == 0 ? 0 : (double) unk / all;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(words);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static WordVocab fromJson(String json) {
        try {
            return new WordVocab(Arrays.asList(JSON.readValue(json, String[].class)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a vocabulary: " + e.getOriginalMessage());
        }
    }

    @Override public boolean equals(Object o) { return o instanceof WordVocab v && v.words.equals(words); }

    @Override public int hashCode() { return words.hashCode(); }
}
