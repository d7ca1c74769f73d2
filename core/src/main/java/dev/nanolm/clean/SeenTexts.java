// Exact-duplicate detection over a stream: remembers a 128-bit hash (the first half of SHA-256) of each record's text
// after case and whitespace normalisation, in an open-addressing table of 16 bytes per slot, never the texts themselves.
package dev.nanolm.clean;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

final class SeenTexts {
    // Two longs per slot (hi, lo); (0, 0) marks an empty slot. The table doubles at 3/4 full, so a distinct
    // text costs 21 to 43 bytes: 10 million distinct records take 0.2 to 0.4 GB of heap.
    private long[] slots = new long[2 * 1024];
    private int size;
    private final MessageDigest sha;

    SeenTexts() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** True the first time a text (after normalisation) is offered, false for every later copy. */
    boolean add(String text) {
        ByteBuffer h = ByteBuffer.wrap(sha.digest(normalise(text).getBytes(StandardCharsets.UTF_8)));
        return add(h.getLong(), h.getLong());
    }

    boolean add(long hi, long lo) {
        if (hi == 0 && lo == 0) lo = 1; // keep (0, 0) free as the empty marker; one hash in 2^128 is merged with another
        if (size + 1 > slots.length / 2 * 3 / 4) grow();
        int mask = slots.length / 2 - 1;
        for (int i = (int) (hi ^ (hi >>> 32)) & mask; ; i = (i + 1) & mask) {
            long h = slots[2 * i], l = slots[2 * i + 1];
            if (h == 0 && l == 0) {
                slots[2 * i] = hi;
                slots[2 * i + 1] = lo;
                size++;
                return true;
            }
            if (h == hi && l == lo) return false;
        }
    }

    int size() { return size; }

    /** Heap held by the table, for the report. */
    long bytes() { return 8L * slots.length; }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (int i = 0; i < old.length; i += 2) if (old[i] != 0 || old[i + 1] != 0) add(old[i], old[i + 1]);
    }

    /** Lower case, every run of whitespace (including no-break spaces) one space, none at the ends. */
    static String normalise(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = sb.length() > 0;
            } else {
                if (space) sb.append(' ');
                space = false;
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
