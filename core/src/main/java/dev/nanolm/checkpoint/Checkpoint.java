// A versioned, self-verifying training checkpoint: model state dict, optimizer moments and string metadata,
// stored as one safetensors file that Python's `safetensors` can open as is.
package dev.nanolm.checkpoint;

import dev.nanolm.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tensors are keyed by module path (nanoGPT's names for the GPT); optimizer moments live under
 * {@code optim.m.<name>} / {@code optim.v.<name>} (see {@link #optimKey}). On {@link #save} four metadata
 * entries are added: {@code format}, {@code format_version}, {@code tensors_sha256} (SHA-256 of all tensor
 * bytes in file order) and {@code header_sha256} (SHA-256 of the tensor index and every other metadata entry,
 * so a damaged name, shape or value in the header is caught too). {@link #load} checks all of it.
 */
public final class Checkpoint {
    public static final String FORMAT = "nanolm-checkpoint";
    public static final String FORMAT_VERSION = "1";
    public static final String KEY_FORMAT = "format";
    public static final String KEY_FORMAT_VERSION = "format_version";
    public static final String KEY_TENSORS_SHA256 = "tensors_sha256";
    public static final String KEY_HEADER_SHA256 = "header_sha256";
    public static final String OPTIM_PREFIX = "optim.";

    private final LinkedHashMap<String, Tensor> tensors;
    private final LinkedHashMap<String, String> metadata;
    /** Where it was loaded from, for messages; null for a checkpoint built in memory. */
    private final Path source;

    public Checkpoint() {
        this(new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    /** Holds the given maps (not copies), so callers may keep filling them. */
    public Checkpoint(LinkedHashMap<String, Tensor> tensors, LinkedHashMap<String, String> metadata) {
        this(tensors, metadata, null);
    }

    private Checkpoint(LinkedHashMap<String, Tensor> tensors, LinkedHashMap<String, String> metadata, Path source) {
        this.tensors = tensors;
        this.metadata = metadata;
        this.source = source;
    }

    public LinkedHashMap<String, Tensor> tensors() { return tensors; }

    public LinkedHashMap<String, String> metadata() { return metadata; }

    public Path source() { return source; }

    public Checkpoint put(String name, Tensor t) {
        Safetensors.checkName(name);
        tensors.put(name, t);
        return this;
    }

    public Checkpoint putMeta(String key, String value) {
        if (key == null || value == null) throw new IllegalArgumentException("metadata keys and values must not be null");
        metadata.put(key, value);
        return this;
    }

    /** The key of an optimizer buffer, e.g. optimKey("m", "lm_head.weight") = "optim.m.lm_head.weight". */
    public static String optimKey(String kind, String name) { return OPTIM_PREFIX + kind + "." + name; }

    /** The model's own tensors (everything not under {@code optim.}), in file order. */
    public LinkedHashMap<String, Tensor> modelTensors() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> { if (!k.startsWith(OPTIM_PREFIX)) out.put(k, v); });
        return out;
    }

    /** A tensor that must be present; a missing one means the checkpoint is for another model. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null)
            throw new CheckpointException("checkpoint" + where() + " has no tensor '" + name + "'",
                    "the checkpoint was made for another model or configuration; use a matching checkpoint or retrain");
        return t;
    }

    // ---------------------------------------------------------------- save

    /** Writes atomically (temp file, fsync, rename): a crash leaves the previous file intact. */
    public void save(Path path) {
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_FORMAT_VERSION, FORMAT_VERSION);
        metadata.forEach((k, v) -> {
            if (!k.equals(KEY_FORMAT) && !k.equals(KEY_FORMAT_VERSION) && !k.equals(KEY_TENSORS_SHA256)
                    && !k.equals(KEY_HEADER_SHA256)) meta.put(k, v);
        });
        meta.put(KEY_TENSORS_SHA256, Safetensors.dataSha256(tensors));
        meta.put(KEY_HEADER_SHA256, headerSha256(Safetensors.index(tensors), meta));
        try {
            AtomicFiles.write(path, out -> Safetensors.write(out, tensors, meta));
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + path + ": " + e,
                    "check that the folder is writable and the disk is not full", e);
        }
    }

    // ---------------------------------------------------------------- load

    /**
     * Reads and verifies a checkpoint: structure (see {@link Safetensors#read}), format, version and both
     * checksums. Returns only a fully verified object; anything else throws {@link CheckpointException}.
     */
    public static Checkpoint load(Path path) {
        Safetensors.Contents c = Safetensors.read(path);
        LinkedHashMap<String, String> meta = c.metadata();
        String format = meta.get(KEY_FORMAT);
        if (!FORMAT.equals(format))
            throw new CheckpointException(path + " is a safetensors file but not a nanolm checkpoint ("
                    + (format == null ? "no 'format' in its metadata" : "format is '" + format + "'") + ")",
                    "pass a checkpoint written by `nanolm train`, e.g. OUT/checkpoints/best.safetensors");
        String version = meta.get(KEY_FORMAT_VERSION);
        if (!FORMAT_VERSION.equals(version)) {
            boolean newer = version != null && version.matches("[0-9]{1,9}")
                    && Integer.parseInt(version) > Integer.parseInt(FORMAT_VERSION);
            throw new CheckpointException("checkpoint " + path + " has format version "
                    + (version == null ? "(none)" : "'" + version + "'") + "; this nanolm reads version " + FORMAT_VERSION,
                    newer ? "it was written by a newer nanolm: upgrade nanolm, or retrain with this one"
                          : Safetensors.CORRUPT_HINT);
        }
        String headerSha = meta.get(KEY_HEADER_SHA256);
        if (headerSha == null || !headerSha.equals(headerSha256(c.index(), meta)))
            throw Safetensors.corrupt(path, headerSha == null ? "no header_sha256 in its metadata"
                    : "the header does not match its checksum (a name, shape or metadata value was altered)");
        String dataSha = meta.get(KEY_TENSORS_SHA256);
        if (dataSha == null || !dataSha.equals(c.dataSha256()))
            throw Safetensors.corrupt(path, dataSha == null ? "no tensors_sha256 in its metadata"
                    : "the tensor data does not match its checksum (expected " + dataSha + ", got " + c.dataSha256() + ")");
        return new Checkpoint(c.tensors(), meta, path);
    }

    /** A metadata value that must be present. */
    public String requireMeta(String key) {
        String v = metadata.get(key);
        if (v == null)
            throw new CheckpointException("checkpoint" + where() + " has no '" + key + "' in its metadata",
                    "it was not written by this version of nanolm; retrain, or use a checkpoint from `nanolm train`");
        return v;
    }

    /** Refuses a checkpoint made with other settings (model type, vocabulary, ...), naming both values. */
    public void expectMeta(String key, String expected) {
        String actual = requireMeta(key);
        if (!actual.equals(expected))
            throw new CheckpointException("checkpoint" + where() + " has " + key + " '" + actual + "' but '"
                    + expected + "' was expected",
                    "use the same " + key + " as when the checkpoint was made, or pick a checkpoint made with '" + expected + "'");
    }

    private String where() { return source == null ? "" : " " + source; }

    /**
     * SHA-256 over an unambiguous encoding (length-prefixed UTF-8) of the tensor index in header order
     * (name, dtype, shape, offsets) and the metadata sorted by key, without header_sha256 itself.
     */
    static String headerSha256(List<Safetensors.Entry> index, Map<String, String> metadata) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeInt(index.size());
            for (Safetensors.Entry e : index) {
                writeString(out, e.name());
                writeString(out, e.dtype());
                out.writeInt(e.shape().length);
                for (int d : e.shape()) out.writeInt(d);
                out.writeLong(e.begin());
                out.writeLong(e.end());
            }
            TreeMap<String, String> sorted = new TreeMap<>(metadata);
            sorted.remove(KEY_HEADER_SHA256);
            out.writeInt(sorted.size());
            for (Map.Entry<String, String> m : sorted.entrySet()) {
                writeString(out, m.getKey());
                writeString(out, m.getValue());
            }
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        MessageDigest md = Safetensors.sha256();
        return HexFormat.of().formatHex(md.digest(buf.toByteArray()));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
