// Atomic writes: the old file survives a failing body, no temp file is left behind, appends accumulate.
package dev.nanolm.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @TempDir Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.writeString(f, "first");
        assertEquals("first", Files.readString(f));
        AtomicFiles.writeBytes(f, "second é".getBytes(StandardCharsets.UTF_8));
        assertEquals("second é", Files.readString(f));
        assertEquals(List.of("a.json"), listing());
    }

    @Test
    void failingBodyLeavesOldFileAndNoTempFile() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        AtomicFiles.writeString(f, "old content");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[200_000]); // more than the buffer, so part of it really reached the temp file
            throw new IOException("disk on fire");
        }));
        assertEquals("disk on fire", thrown.getMessage());
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of("ckpt.safetensors"), listing());
    }

    @Test
    void uncheckedExceptionFromBodyAlsoCleansUp() throws IOException {
        Path f = dir.resolve("x.txt");
        AtomicFiles.writeString(f, "keep");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("boom");
        }));
        assertEquals("keep", Files.readString(f));
        assertEquals(List.of("x.txt"), listing());
    }

    @Test
    void failureWithoutPreviousFileLeavesNothing() throws IOException {
        Path f = dir.resolve("new.txt");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> { throw new IOException("no"); }));
        assertEquals(List.of(), listing());
    }

    @Test
    void bodyMayCloseTheStreamAndLargeWritesArrive() throws IOException {
        Path f = dir.resolve("big.bin");
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + 7);
        AtomicFiles.write(f, out -> {
            out.write(big, 0, 10);
            for (int i = 10; i < 100; i++) out.write(big[i]);
            out.write(big, 100, big.length - 100);
            out.close();
        });
        assertArrayEquals(big, Files.readAllBytes(f));
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path f = dir.resolve("run/checkpoints/last.safetensors");
        AtomicFiles.writeString(f, "x");
        assertEquals("x", Files.readString(f));
    }

    @Test
    void permissionsAreThoseOfAnOrdinaryNewFile() throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return;
        Path plain = dir.resolve("plain.txt"), atomic = dir.resolve("atomic.txt");
        Files.writeString(plain, "p");
        AtomicFiles.writeString(atomic, "a");
        // a temp file made with Files.createTempFile would be 0600 and the rename would keep that
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }

    @Test
    void appendLineAccumulatesLines() throws IOException {
        Path f = dir.resolve("logs/metrics.jsonl");
        AtomicFiles.appendLine(f, "{\"step\":1}");
        AtomicFiles.appendLine(f, "{\"step\":2}");
        assertEquals("{\"step\":1}\n{\"step\":2}\n", Files.readString(f));
        assertThrows(IllegalArgumentException.class, () -> AtomicFiles.appendLine(f, "a\nb"));
        assertEquals(2, Files.readAllLines(f).size());
    }

    @Test
    void unusedOutputStreamMethodsStillWork() throws IOException {
        Path f = dir.resolve("e.txt");
        AtomicFiles.write(f, OutputStream::flush);
        assertEquals(0, Files.size(f));
    }
}
