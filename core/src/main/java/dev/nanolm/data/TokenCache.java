// Encodes a text corpus once into nanoGPT's train.bin/val.bin (little-endian uint16 ids, uint32 for vocabularies
// over 65,536) with a meta.json, in $NANOLM_CACHE/tokens/<key> or the user cache; later runs map the files instead
// of re-encoding (cl100k_base over Tiny Shakespeare takes seconds). A file that does not match its meta is rebuilt.
package dev.nanolm.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

public final class TokenCache {
    public static final String META = "meta.json", TRAIN = "train.bin", VAL = "val.bin";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;     // <root>/<key>/ holds one corpus's files
    private final Path fallback; // used as is (its meta names the key) when root is not writable; null: none
    private final Consumer<String> log;

    public TokenCache(Path root, Path fallback, Consumer<String> log) {
        this.root = root;
        this.fallback = fallback;
        this.log = log;
    }

    /** $NANOLM_CACHE/tokens when set, else the user cache's tokens/ (see Catalog.cacheDir). */
    public static Path defaultRoot(Map<String, String> env) {
        String dir = env.get("NANOLM_CACHE");
        if (dir != null && !dir.isBlank()) return Path.of(dir, "tokens");
        return new Catalog(env).cacheDir().resolve("tokens");
    }

    /** The corpus of text as tokens of tok (narrowed with compact), from the cache when it holds them intact. */
    public TextCorpus corpus(String text, int blockSize, String source, Tokenizer tok, boolean compact) {
        String key = key(text, tok, compact);
        Path[] dirs = fallback == null ? new Path[] {root.resolve(key)} : new Path[] {root.resolve(key), fallback};
        long t0 = System.nanoTime();
        for (Path dir : dirs) {
            if (!Files.exists(dir.resolve(META))) continue;
            try {
                Cached c = open(dir, key, tok, compact);
                log.accept("tokens: cached " + dir + String.format(" (checked and mapped in %.2f s)", (System.nanoTime() - t0) / 1e9));
                return new TextCorpus(c.tokenizer, c.train, c.val, blockSize, source);
            } catch (Damaged | IOException e) {
                log.accept("tokens: the cache at " + dir + " is not usable (" + e.getMessage() + "); encoding again");
            }
        }
        t0 = System.nanoTime();
        TextCorpus.Encoded e = TextCorpus.encode(text, source, tok, compact);
        String took = String.format("%.2f s", (System.nanoTime() - t0) / 1e9);
        IOException failure = null;
        for (Path dir : dirs) {
            try {
                write(dir, key, e);
                Cached c = open(dir, key, tok, compact);
                log.accept("tokens: encoded " + (e.train().length + e.val().length) + " " + e.tokenizer().name() + " tokens in " + took + " into " + dir);
                return new TextCorpus(c.tokenizer, c.train, c.val, blockSize, source);
            } catch (IOException | Damaged ex) {
                failure = ex instanceof IOException io ? io : new IOException(ex.getMessage());
            }
        }
        log.accept("tokens: encoded in " + took + "; not cached (" + failure.getMessage() + ")");
        return new TextCorpus(e.tokenizer(), TokenIds.of(e.train()), TokenIds.of(e.val()), blockSize, source);
    }

    /** SHA-256 over the text's UTF-8 bytes, the tokenizer (kind and serialised form, token map) and the compact flag. */
    static String key(String text, Tokenizer tok, boolean compact) {
        MessageDigest md = sha256();
        md.update(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
        String identity = tok.kind() + "\n" + tok.serialize() + "\n" + (tok instanceof CompactVocab cv ? cv.tokenMap() : "") + "\n" + compact;
        md.update(sha256().digest(identity.getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(md.digest());
    }

    private record Cached(Tokenizer tokenizer, TokenIds train, TokenIds val) {}

    /** The cache's contents are not what its meta.json says (truncated, edited, another corpus). */
    static final class Damaged extends Exception {
        Damaged(String why) { super(why); }
    }

    private static Cached open(Path dir, String key, Tokenizer tok, boolean compact) throws IOException, Damaged {
        JsonNode meta;
        try {
            meta = JSON.readTree(Files.readString(dir.resolve(META), StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.nio.charset.CharacterCodingException e) {
            throw new Damaged(META + " does not parse"); // (not UTF-8: the reader's own message is "Input length = 1")
        }
        if (meta.path("format").asInt() != FORMAT || !key.equals(meta.path("key").asText()))
            throw new Damaged(META + " is of another corpus, tokenizer or format");
        int bytes = switch (meta.path("dtype").asText()) {
            case "uint16" -> 2;
            case "uint32" -> 4;
            default -> throw new Damaged(META + " names no dtype");
        };
        Tokenizer t = tok;
        if (compact) { // the compacted vocabulary is made from the tokens: its map is kept with them
            try {
                t = CompactVocab.parseTokenMap(tok, meta.path("token_map").asText());
            } catch (IllegalArgumentException e) {
                throw new Damaged("its token map does not fit " + tok.name());
            }
        }
        return new Cached(t, map(dir.resolve(TRAIN), meta, "train", bytes), map(dir.resolve(VAL), meta, "val", bytes));
    }

    /** The file mapped read-only after checking its size and SHA-256 against the meta. */
    private static TokenIds map(Path file, JsonNode meta, String split, int bytes) throws IOException, Damaged {
        long expected = meta.path(split + "_tokens").asLong(-1) * bytes;
        if (!Files.isRegularFile(file)) throw new Damaged(file.getFileName() + " is missing");
        long size = Files.size(file);
        if (size != expected) throw new Damaged(file.getFileName() + " has " + size + " bytes, its meta says " + expected);
        if (size > Integer.MAX_VALUE) throw new Damaged(file.getFileName() + " is over 2 GB, more than one mapping holds");
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        MessageDigest md = sha256();
        md.update(buf.duplicate());
        if (!HexFormat.of().formatHex(md.digest()).equals(meta.path(split + "_sha256").asText()))
            throw new Damaged(file.getFileName() + " does not match its SHA-256 in " + META);
        return TokenIds.mapped(buf, bytes);
    }

    /** train.bin, val.bin, then meta.json (each atomically): a meta exists only over complete files. */
    private static void write(Path dir, String key, TextCorpus.Encoded e) throws IOException {
        Tokenizer tok = e.tokenizer();
        int bytes = tok.vocabSize() <= 65536 ? 2 : 4;
        byte[] tr = pack(e.train(), bytes), va = pack(e.val(), bytes);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("key", key);
        meta.put("tokenizer", tok.kind());
        meta.put("tokenizer_name", tok.name());
        meta.put("vocab_size", tok.vocabSize());
        if (tok instanceof CompactVocab cv) meta.put("token_map", cv.tokenMap());
        meta.put("dtype", bytes == 2 ? "uint16" : "uint32");
        meta.put("train_tokens", e.train().length);
        meta.put("val_tokens", e.val().length);
        meta.put("val_chars", e.valChars());
        meta.put("train_sha256", HexFormat.of().formatHex(sha256().digest(tr)));
        meta.put("val_sha256", HexFormat.of().formatHex(sha256().digest(va)));
        AtomicFiles.writeBytes(dir.resolve(TRAIN), tr);
        AtomicFiles.writeBytes(dir.resolve(VAL), va);
        AtomicFiles.writeString(dir.resolve(META), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n");
    }

    /** ids as little-endian integers of bytes (2 or 4) each. */
    static byte[] pack(int[] ids, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(ids.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes == 2) for (int id : ids) b.putShort((short) id);
        else for (int id : ids) b.putInt(id);
        return b.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
