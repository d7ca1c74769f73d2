// OpenAI's published BPE encodings (r50k_base = GPT-2, p50k_base, cl100k_base = GPT-4, o200k_base = GPT-4o) through
// JTokkit, whose jar bundles the merge tables: no network. Special-token text is encoded as ordinary text, so any
// input round-trips.
package dev.nanolm.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

public final class Tiktoken implements Tokenizer {
    /** Encoding -> number of token ids (highest special token + 1): JTokkit does not say, tiktoken's n_vocab does. */
    public static final Map<String, Integer> VOCAB_SIZES = new LinkedHashMap<>();
    static {
        VOCAB_SIZES.put("r50k_base", 50257);
        VOCAB_SIZES.put("p50k_base", 50281);
        VOCAB_SIZES.put("cl100k_base", 100277);
        VOCAB_SIZES.put("o200k_base", 200019);
    }

    private static final class Registry { // loaded on first use: reading a table takes a second
        static final EncodingRegistry R = Encodings.newLazyEncodingRegistry();
    }

    private final String encodingName;
    private final Encoding enc;

    /** IllegalArgumentException for a name outside VOCAB_SIZES (Tokenizers turns it into a usage error). */
    public Tiktoken(String encodingName) {
        if (!VOCAB_SIZES.containsKey(encodingName))
            throw new IllegalArgumentException("unknown tiktoken encoding '" + encodingName + "'");
        this.encodingName = encodingName;
        this.enc = Registry.R.getEncoding(EncodingType.fromName(encodingName).orElseThrow());
    }

    @Override public int[] encode(String text) { return enc.encodeOrdinary(text).toArray(); }

    @Override public String decode(int[] ids, int from, int to) {
        return new String(bytes(ids, from, to), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int[] ids, int from, int to) {
        IntArrayList l = new IntArrayList(to - from);
        for (int i = from; i < to; i++) l.add(ids[i]);
        try {
            return enc.decodeBytes(l);
        } catch (RuntimeException unassignedId) {
            // a model over the whole id range can sample one of the few unassigned ids: decode the rest, one by one
            java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
            for (int i = from; i < to; i++) bo.writeBytes(tokenBytes(ids[i]));
            return bo.toByteArray();
        }
    }

    @Override public byte[] tokenBytes(int id) {
        IntArrayList l = new IntArrayList(1);
        l.add(id);
        try {
            return enc.decodeBytes(l);
        } catch (RuntimeException unassignedId) {
            return new byte[0];
        }
    }

    @Override public int vocabSize() { return VOCAB_SIZES.get(encodingName); }

    @Override public String kind() { return "tiktoken:" + encodingName; }

    @Override public String serialize() { return encodingName; }
}
