// Strict reading of UTF-8 text data: a clear DataException (with the byte offset) instead of silently
// training on replacement characters, binary junk or an empty corpus.
package dev.nanolm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class TextFiles {
    private TextFiles() {}

    private static final String PLAIN_TEXT_HINT = "pass a UTF-8 text file (e.g. `iconv -f LATIN1 -t UTF-8 in.txt > out.txt`)";

    /**
     * The file's text. Rejects a missing file, a directory, an empty file, a file with NUL bytes (binary,
     * or UTF-16) and invalid UTF-8 (reporting the offset of the first bad byte); strips a UTF-8 BOM.
     */
    public static String readUtf8(Path file) {
        if (Files.isDirectory(file))
            throw new DataException(file + " is a directory, not a text file", "pass the path of a text file");
        if (!Files.exists(file))
            throw new DataException("no such file: " + file, "check the path, or use a dataset name (see `nanolm datasets`)");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new DataException("cannot read " + file + ": " + e, "check that the file is readable and not too large", e);
        }
        if (bytes.length == 0) throw new DataException(file + " is empty", "pass a file that holds some text");

        boolean utf16 = bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
                || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF));
        if (utf16)
            throw new DataException(file + " is UTF-16 text, not UTF-8",
                    "convert it, e.g. `iconv -f UTF-16 -t UTF-8 in.txt > out.txt`");
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0)
                throw new DataException(file + " looks binary (NUL byte at offset " + i + "), not UTF-8 text", PLAIN_TEXT_HINT);
        }

        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
        if (start == bytes.length) throw new DataException(file + " is empty (only a byte-order mark)", "pass a file that holds some text");
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // wrap(array, offset, length) keeps positions absolute, so in.position() is the file offset.
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start); // UTF-8 never yields more chars than bytes
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) r = dec.flush(out);
        if (r.isError())
            throw new DataException(file + " is not valid UTF-8: bad byte 0x"
                    + String.format("%02X", bytes[in.position()] & 0xFF) + " at offset " + in.position(), PLAIN_TEXT_HINT);
        if (r.isOverflow()) throw new IllegalStateException("UTF-8 decoding overflowed its buffer");
        out.flip();
        return out.toString();
    }
}
