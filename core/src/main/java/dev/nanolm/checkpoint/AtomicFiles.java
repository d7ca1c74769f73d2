// Crash-safe file writing: a reader sees either the old file or the complete new one, never a torn mix.
// Used for checkpoints, summaries, configs and dataset downloads.
package dev.nanolm.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces the content of a file; may throw midway, in which case nothing is replaced. */
    @FunctionalInterface
    public interface IoWriter {
        void write(OutputStream out) throws IOException;
    }

    /** A simulated disk failure (tests): called before bytes reach the temp file; throwing fails the write. */
    @FunctionalInterface
    public interface Fault {
        /**
         * target: the file being replaced; total: its bytes written so far plus the ones about to be written. Each write
         * starts with a check of total 0 (a fault can count writes by it: sizes alone do not tell one file from the next).
         */
        void check(Path target, long total) throws IOException;
    }

    // Tests cannot fill a real disk or rely on read-only folders (they may run as root), so they inject the failure.
    private static volatile Fault fault;

    /** Installs (or with null removes) a simulated failure for every later {@link #write}. For tests. */
    public static void injectFault(Fault f) { fault = f; }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BUFFER = 1 << 16;

    /**
     * Writes {@code target} atomically: the body writes into a temp file in the same directory, which is
     * flushed, fsynced and then renamed over the target (so the rename cannot cross file systems);
     * finally the directory is fsynced so the rename itself survives a power cut (best effort).
     * Missing parent directories are created. On any failure (including an unchecked exception from the
     * body) the temp file is deleted, the previous target is untouched, and the exception propagates.
     */
    public static void write(Path target, IoWriter body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        // Our own name rather than Files.createTempFile: that one creates the file with mode 0600,
        // and the rename would carry it over; CREATE_NEW keeps the usual umask-derived permissions.
        Path tmp = dir.resolve("." + abs.getFileName() + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp");
        boolean done = false;
        try {
            Fault f = fault;
            if (f != null) f.check(abs, 0);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // The body must not close the channel before force(), so it gets a stream whose close() only flushes.
                OutputStream raw = Channels.newOutputStream(ch);
                try (OutputStream out = new NonClosingBufferedStream(raw, abs, f)) {
                    body.write(out);
                    out.flush();
                }
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure matters more than a leftover temp file
                }
            }
        }
        fsyncDirectory(dir);
    }

    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Appends one line (UTF-8, a newline added) and flushes it to the OS; made for metrics.jsonl.
     * NOT atomic: appending cannot be, so a crash may leave a partial last line without its newline.
     * Readers of such logs should ignore a last line that does not end in a newline (and any line that does not
     * parse: the next append first ends a torn line). Not fsynced either
     * (one fsync per training step would cost more than the step). The line must not contain a newline.
     */
    public static void appendLine(Path target, String line) throws IOException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0)
            throw new IllegalArgumentException("appendLine: the line must not contain a line break");
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        // a kill mid-append left a last line without its newline: end it, so that torn line stays one
        // unparseable line (readers skip it) instead of swallowing this one (the OS refuses READ with APPEND)
        if (Files.exists(target)) try (FileChannel r = FileChannel.open(target, StandardOpenOption.READ)) {
            long size = r.size();
            ByteBuffer last = ByteBuffer.allocate(1);
            if (size > 0 && r.read(last, size - 1) == 1 && last.get(0) != '\n')
                bytes = ("\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            // One write call: with O_APPEND the OS places it at the end as a unit on local file systems.
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
        }
    }

    /** Makes a rename durable; some file systems (and Windows) refuse to open or sync a directory: ignored. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort by design
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Buffered stream whose close() flushes but leaves the underlying channel open for force(). */
    private static final class NonClosingBufferedStream extends FilterOutputStream {
        private final byte[] buf = new byte[BUFFER];
        private int n;
        private final Path target;
        private final Fault fault;
        private long written;

        NonClosingBufferedStream(OutputStream out, Path target, Fault fault) {
            super(out);
            this.target = target;
            this.fault = fault;
        }

        private void reach(int len) throws IOException {
            if (fault != null) fault.check(target, written + len);
            written += len;
        }

        @Override public void write(int b) throws IOException {
            if (n == buf.length) drain();
            buf[n++] = (byte) b;
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buf.length) {
                drain();
                reach(len);
                out.write(b, off, len);
                return;
            }
            if (len > buf.length - n) drain();
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }

        @Override public void flush() throws IOException {
            drain();
            out.flush();
        }

        @Override public void close() throws IOException { flush(); }

        private void drain() throws IOException {
            if (n > 0) {
                reach(n);
                out.write(buf, 0, n);
                n = 0;
            }
        }
    }
}
