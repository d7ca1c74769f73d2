// One split's token ids, held in an int[] or read from a memory-mapped train.bin/val.bin (little-endian uint16
// or uint32, nanoGPT's format): batches copy windows out of either the same way.
package dev.nanolm.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

public abstract class TokenIds {
    public abstract int length();

    /** dst[off, off+n) = ids[from, from+n). */
    public abstract void copy(int from, int[] dst, int off, int n);

    public int[] toArray() {
        int[] a = new int[length()];
        copy(0, a, 0, a.length);
        return a;
    }

    public static TokenIds of(int[] ids) { return new InMemory(ids); }

    /** The ids in buf (from position 0) as unsigned little-endian integers of bytesPerToken (2 or 4) bytes. */
    public static TokenIds mapped(ByteBuffer buf, int bytesPerToken) {
        if (bytesPerToken != 2 && bytesPerToken != 4) throw new IllegalArgumentException("tokens are 2 or 4 bytes, not " + bytesPerToken);
        if (buf.capacity() % bytesPerToken != 0) throw new IllegalArgumentException("the buffer does not hold whole tokens");
        return new Mapped(buf.duplicate().order(ByteOrder.LITTLE_ENDIAN), bytesPerToken);
    }

    private static final class InMemory extends TokenIds {
        private final int[] ids;

        InMemory(int[] ids) { this.ids = ids; }

        @Override public int length() { return ids.length; }
        @Override public void copy(int from, int[] dst, int off, int n) { System.arraycopy(ids, from, dst, off, n); }
        @Override public int[] toArray() { return ids.clone(); }
    }

    private static final class Mapped extends TokenIds {
        private final ByteBuffer buf; // absolute reads only: one buffer is safe to share between threads
        private final boolean wide;
        private final int n;

        Mapped(ByteBuffer buf, int bytesPerToken) {
            this.buf = buf;
            this.wide = bytesPerToken == 4;
            this.n = buf.capacity() / bytesPerToken;
        }

        @Override public int length() { return n; }

        @Override public void copy(int from, int[] dst, int off, int n) {
            if (from < 0 || from + n > this.n) throw new IndexOutOfBoundsException("tokens " + from + ".." + (from + n) + " of " + this.n);
            if (wide) for (int i = 0; i < n; i++) dst[off + i] = buf.getInt((from + i) * 4);
            else for (int i = 0; i < n; i++) dst[off + i] = buf.getShort((from + i) * 2) & 0xffff;
        }
    }
}
