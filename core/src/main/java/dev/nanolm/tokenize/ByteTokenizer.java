// The 256 byte values of UTF-8 as tokens: no training, no unknown input, lossless for any valid text.
package dev.nanolm.tokenize;

import java.nio.charset.StandardCharsets;

public final class ByteTokenizer implements Tokenizer {
    public static final ByteTokenizer INSTANCE = new ByteTokenizer();

    private ByteTokenizer() {}

    @Override public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        return ids;
    }

    @Override public String decode(int[] ids, int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) b[i - from] = (byte) ids[i];
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override public byte[] tokenBytes(int id) { return new byte[] {(byte) id}; }

    @Override public int vocabSize() { return 256; }

    @Override public String kind() { return "byte"; }

    @Override public String serialize() { return "byte"; }
}
