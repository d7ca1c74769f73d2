// Streams the records of a corpus file one at a time (JSONL lines, or text records separated by blank lines or one per
// line), so a file of many gigabytes never sits in memory; each record keeps its first line number for the report.
package dev.nanolm.clean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanolm.clean.CleanConfig.Format;
import dev.nanolm.clean.CleanConfig.Records;
import dev.nanolm.data.DataException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

public final class RecordReader implements Closeable {
    /** Exact numbers (a score of 0.1 stays 0.1) and no trailing junk after the object, which would hide a broken line. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One record. line: its first line in the file (1-based); text: null when a JSONL object has no text field;
     * json and raw: the parsed object and its line (JSONL only); invalid: why the line is not a JSON object, else null.
     */
    public record Rec(long line, String text, ObjectNode json, String raw, String invalid) {}

    private final Path file;
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[1 << 16];
    private int pos, limit;
    private byte[] line = new byte[1 << 12];
    private final Format format;
    private final Records records;
    private final String textField;
    private long lineNo;

    public RecordReader(Path file, Format format, Records records, String textField) throws IOException {
        this.file = file;
        this.format = format;
        this.records = records;
        this.textField = textField;
        this.in = Files.newInputStream(file);
    }

    /** JSONL for a .jsonl/.ndjson name, text for .txt, otherwise JSONL when the first non-blank character is '{'. */
    public static Format detect(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return Format.JSONL;
        if (name.endsWith(".txt")) return Format.TEXT;
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            char[] buf = new char[4096];
            int n = r.read(buf);
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\uFEFF' || Character.isWhitespace(buf[i])) continue;
                return buf[i] == '{' ? Format.JSONL : Format.TEXT;
            }
        } catch (CharacterCodingException e) {
            return Format.TEXT; // the reader proper reports the bad byte with its line
        }
        return Format.TEXT;
    }

    /** The next record, or null at the end of the file. */
    public Rec next() throws IOException {
        if (format == Format.JSONL) {
            String line;
            while ((line = readLine()) != null) if (!line.isBlank()) return parse(lineNo, line);
            return null;
        }
        if (records == Records.LINES) {
            String line;
            while ((line = readLine()) != null) if (!line.isBlank()) return new Rec(lineNo, line, null, null, null);
            return null;
        }
        List<String> lines = new ArrayList<>();
        long first = 0;
        String line;
        while ((line = readLine()) != null) {
            if (line.isBlank()) {
                if (!lines.isEmpty()) break;
                continue;
            }
            if (lines.isEmpty()) first = lineNo;
            lines.add(line);
        }
        return lines.isEmpty() ? null : new Rec(first, String.join("\n", lines), null, null, null);
    }

    private Rec parse(long line, String raw) {
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return new Rec(line, null, null, raw, e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode obj)) return new Rec(line, null, null, raw, "not a JSON object");
        JsonNode t = obj.get(textField);
        return new Rec(line, t != null && t.isTextual() ? t.asText() : null, obj, raw, null);
    }

    /**
     * The next line without its terminator (\n or \r\n), or null at the end; a UTF-8 byte-order mark is dropped.
     * Lines are split as bytes and decoded one by one, so bad UTF-8 is a DataException naming its exact line.
     */
    private String readLine() throws IOException {
        int n = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(chunk);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (n == 0) return null;
                    break;
                }
            }
            int nl = pos;
            while (nl < limit && chunk[nl] != '\n') nl++;
            int len = nl - pos;
            if (n + len > line.length) line = Arrays.copyOf(line, Math.max(2 * line.length, n + len));
            System.arraycopy(chunk, pos, line, n, len);
            n += len;
            pos = nl;
            if (nl < limit) {
                pos++; // the \n
                break;
            }
        }
        lineNo++;
        if (n > 0 && line[n - 1] == '\r') n--;
        int start = lineNo == 1 && n >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF ? 3 : 0;
        try {
            return utf8.decode(ByteBuffer.wrap(line, start, n - start)).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(file + " is not valid UTF-8 (line " + lineNo + ")",
                    "convert it, e.g. `iconv -f LATIN2 -t UTF-8`, or drop the bad bytes with `iconv -c -f UTF-8 -t UTF-8`");
        }
    }

    @Override public void close() throws IOException { in.close(); }
}
