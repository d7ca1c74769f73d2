// Reader and writer of the safetensors format (F32 only), byte-compatible with Python's `safetensors`:
// u64 little-endian header length N, N bytes of JSON padded with spaces to a multiple of 8, then raw LE data.
package dev.nanolm.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanolm.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class Safetensors {
    private Safetensors() {}

    /** Same limit as the reference implementation: a larger header is a corrupt or hostile file. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    public static final String METADATA_KEY = "__metadata__";
    public static final String F32 = "F32";

    /** Hint for every structural failure of a file that claims to be a checkpoint. */
    static final String CORRUPT_HINT = "the file is truncated or corrupt; use checkpoints/best.safetensors or retrain";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int CHUNK_BYTES = 1 << 20;

    /** One tensor as the header describes it; offsets are relative to the start of the data section. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public long bytes() { return end - begin; }
    }

    /** A fully read and structurally validated file. Tensors and metadata keep the header's order. */
    public record Contents(LinkedHashMap<String, Tensor> tensors, LinkedHashMap<String, String> metadata,
                           List<Entry> index, String dataSha256) {}

    // ---------------------------------------------------------------- writing

    /** The header entries for tensors laid out back to back in map order. */
    public static List<Entry> index(Map<String, Tensor> tensors) {
        List<Entry> out = new ArrayList<>(tensors.size());
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            checkName(e.getKey());
            Tensor t = e.getValue();
            long n = 4L * t.numel();
            out.add(new Entry(e.getKey(), F32, t.shape(), off, off + n));
            off += n;
        }
        return out;
    }

    /** The header bytes (JSON plus space padding to a multiple of 8), without the 8-byte length prefix. */
    public static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        // Python's safetensors also writes __metadata__ first; it is omitted when empty, as there.
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (m.getKey() == null || m.getValue() == null)
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + m);
                meta.put(m.getKey(), m.getValue());
            }
        }
        for (Entry e : index(tensors)) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype());
            ArrayNode shape = t.putArray("shape");
            for (int d : e.shape()) shape.add(d);
            t.putArray("data_offsets").add(e.begin()).add(e.end());
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise a safetensors header", ex);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Writes a complete file: length prefix, header, then each tensor's data in map order. */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len.array());
        out.write(header);
        forEachChunk(tensors, (buf, n) -> out.write(buf, 0, n));
    }

    /** SHA-256 (lower-case hex) of the data section that {@link #write} produces for these tensors. */
    public static String dataSha256(Map<String, Tensor> tensors) {
        MessageDigest md = sha256();
        try {
            forEachChunk(tensors, (buf, n) -> md.update(buf, 0, n));
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private interface ChunkSink { void accept(byte[] buf, int n) throws IOException; }

    /** Streams the little-endian bytes of all tensors through one reusable buffer (no full-size copy). */
    private static void forEachChunk(Map<String, Tensor> tensors, ChunkSink sink) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int floatsPerChunk = CHUNK_BYTES / 4;
        for (Tensor t : tensors.values()) {
            float[] data = t.data;
            for (int i = 0; i < data.length; i += floatsPerChunk) {
                int n = Math.min(floatsPerChunk, data.length - i);
                bytes.clear();
                bytes.asFloatBuffer().put(data, i, n);
                sink.accept(bytes.array(), 4 * n);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads and validates a whole file: header length, JSON, F32 dtypes, shapes matching byte counts,
     * offsets in range, contiguous and covering the data section exactly. Also returns the SHA-256 of
     * the data section, computed while reading. Any problem: {@link CheckpointException}.
     */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no checkpoint at " + file,
                    "check the path; a run keeps its checkpoints in OUT/checkpoints/", e);
        } catch (IOException e) {
            if (Files.isDirectory(file))
                throw new CheckpointException(file + " is a directory, not a checkpoint file",
                        "pass a .safetensors file, e.g. OUT/checkpoints/best.safetensors", e);
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(),
                    "check that the file is readable", e);
        }
    }

    private static Contents read(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) throw corrupt(file, "only " + size + " bytes long, too short for a safetensors file");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file);
        long n = lenBuf.flip().getLong();
        if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8)
            throw corrupt(file, "header length " + Long.toUnsignedString(n) + " is impossible for a file of "
                    + size + " bytes");
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8, file);
        long dataStart = 8 + n, dataLen = size - dataStart;

        JsonNode root;
        try {
            root = JSON.readTree(headerBuf.array());
        } catch (IOException e) {
            throw corrupt(file, "header is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) throw corrupt(file, "header is not a JSON object");

        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Entry> index = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().equals(METADATA_KEY)) readMetadata(f.getValue(), metadata, file);
            else index.add(readEntry(f.getKey(), f.getValue(), file));
        }
        checkLayout(index, dataLen, file);

        // The layout is proven to cover exactly the data section, so these allocations are bounded by the file size.
        Map<String, float[]> arrays = new LinkedHashMap<>();
        List<Entry> fileOrder = new ArrayList<>(index);
        fileOrder.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        MessageDigest md = sha256();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(dataLen, 4))).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart;
        for (Entry e : fileOrder) {
            float[] data = new float[(int) (e.bytes() / 4)];
            int filled = 0;
            while (filled < data.length) {
                int floats = Math.min(chunk.capacity() / 4, data.length - filled);
                chunk.clear().limit(4 * floats);
                readFully(ch, chunk, pos, file);
                pos += 4L * floats;
                md.update(chunk.array(), 0, 4 * floats);
                chunk.flip();
                chunk.asFloatBuffer().get(data, filled, floats);
                filled += floats;
            }
            arrays.put(e.name(), data);
        }

        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : index) {
            Tensor t = new Tensor(arrays.get(e.name()), e.shape());
            t.name = e.name();
            tensors.put(e.name(), t);
        }
        return new Contents(tensors, metadata, List.copyOf(index), HexFormat.of().formatHex(md.digest()));
    }

    private static void readMetadata(JsonNode node, Map<String, String> out, Path file) {
        if (!node.isObject()) throw corrupt(file, METADATA_KEY + " is not a JSON object");
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual())
                throw corrupt(file, "metadata value of '" + m.getKey() + "' is not a string");
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry readEntry(String name, JsonNode node, Path file) {
        if (!node.isObject()) throw corrupt(file, "entry for tensor '" + name + "' is not a JSON object");
        JsonNode dtype = node.get("dtype"), shape = node.get("shape"), offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual()) throw corrupt(file, "tensor '" + name + "' has no dtype");
        if (!F32.equals(dtype.textValue()))
            throw new CheckpointException("tensor '" + name + "' in " + file + " has dtype " + dtype.textValue()
                    + "; nanolm reads F32 tensors only",
                    "convert the weights to float32 (e.g. in Python: {k: v.float() for k, v in state.items()})");
        if (shape == null || !shape.isArray()) throw corrupt(file, "tensor '" + name + "' has no shape");
        int[] dims = new int[shape.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0)
                throw corrupt(file, "tensor '" + name + "' has a bad shape " + shape);
            dims[i] = d.intValue();
            numel *= dims[i];
            if (numel > Integer.MAX_VALUE) throw corrupt(file, "tensor '" + name + "' is too large: " + shape);
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2)
            throw corrupt(file, "tensor '" + name + "' has no data_offsets [begin, end]");
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = offsets.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0)
                throw corrupt(file, "tensor '" + name + "' has bad data_offsets " + offsets);
            be[i] = o.longValue();
        }
        if (be[1] < be[0]) throw corrupt(file, "tensor '" + name + "' ends before it begins: " + offsets);
        if (be[1] - be[0] != 4 * numel)
            throw corrupt(file, "tensor '" + name + "' of shape " + shape + " needs " + 4 * numel
                    + " bytes but its offsets span " + (be[1] - be[0]));
        return new Entry(name, F32, dims, be[0], be[1]);
    }

    /** Sorted by offset, the tensors must tile [0, dataLen) with neither gaps nor overlaps (as Python checks). */
    private static void checkLayout(List<Entry> index, long dataLen, Path file) {
        List<Entry> sorted = new ArrayList<>(index);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin() != expected)
                throw corrupt(file, "tensor '" + e.name() + "' starts at byte " + e.begin() + " of the data, expected "
                        + expected + " (gap or overlap)");
            expected = e.end();
        }
        if (expected != dataLen)
            throw corrupt(file, "the tensors cover " + expected + " bytes of data but the file holds " + dataLen
                    + (expected > dataLen ? " (truncated)" : " (trailing bytes)"));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw corrupt(file, "unexpected end of file at byte " + pos);
            pos += r;
        }
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("tensor names must not be empty");
        if (name.equals(METADATA_KEY)) throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved");
    }

    static CheckpointException corrupt(Path file, String what) {
        return new CheckpointException("bad checkpoint " + file + ": " + what, CORRUPT_HINT);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "parse error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
