// Strict UTF-8 reading: good text (BOM stripped) comes back; missing, empty, binary and malformed files
// are rejected with the offset of the first bad byte.
package dev.nanolm.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TextFilesTest {
    @TempDir Path dir;

    private Path file(int... bytes) throws IOException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return Files.write(dir.resolve("f.txt"), b);
    }

    private DataException rejected(Path p) {
        DataException e = assertThrows(DataException.class, () -> TextFiles.readUtf8(p));
        assertNotNull(e.hint());
        return e;
    }

    @Test
    void readsUtf8AndStripsTheBom() throws IOException {
        Path p = Files.writeString(dir.resolve("t.txt"), "\uFEFFhéllo → wörld 😀\n");
        assertEquals("héllo → wörld 😀\n", TextFiles.readUtf8(p));
        Path q = Files.writeString(dir.resolve("u.txt"), "a\uFEFFb"); // only a leading BOM is removed
        assertEquals("a\uFEFFb", TextFiles.readUtf8(q));
    }

    @Test
    void rejectsMissingDirectoryAndEmpty() throws IOException {
        assertTrue(rejected(dir.resolve("absent.txt")).getMessage().contains("no such file"));
        assertTrue(rejected(dir).getMessage().contains("directory"));
        assertTrue(rejected(file()).getMessage().contains("empty"));
        assertTrue(rejected(file(0xEF, 0xBB, 0xBF)).getMessage().contains("empty"));
    }

    @Test
    void rejectsBinaryWithTheNulOffset() throws IOException {
        DataException e = rejected(file('a', 'b', 'c', 'd', 'e', 0, 'f'));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
        assertTrue(rejected(file(0xFF, 0xFE, 'a', 0)).getMessage().contains("UTF-16"));
    }

    @Test
    void invalidUtf8ReportsTheFirstBadByte() throws IOException {
        assertTrue(rejected(file('a', 'b', 'c', 0xFF, 'd')).getMessage().contains("0xFF at offset 3"));
        // a valid 2-byte character first, so the offset counts bytes, not characters
        assertTrue(rejected(file(0xC3, 0xA9, 'x', 0x80)).getMessage().contains("offset 3"));
        // overlong encoding of '/'
        assertTrue(rejected(file('a', 0xC0, 0xAF)).getMessage().contains("offset 1"));
        // a 3-byte sequence cut short by the end of the file
        assertTrue(rejected(file('a', 'b', 0xE2, 0x82)).getMessage().contains("offset 2"));
        // offsets count the BOM too
        assertTrue(rejected(file(0xEF, 0xBB, 0xBF, 'a', 0xFE)).getMessage().contains("offset 4"));
        // an encoded UTF-16 surrogate is not valid UTF-8
        assertTrue(rejected(file('z', 0xED, 0xA0, 0x80)).getMessage().contains("offset 1"));
    }
}
