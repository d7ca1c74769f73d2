// The run directory contract (DESIGN.md): config.json, metrics.jsonl, summary.json, checkpoints/, samples/, plots/
// (and diagnostics.jsonl with --diagnostics).
// Every whole-file write is atomic; metrics.jsonl is appended line by line.
package dev.nanolm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.data.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

public final class RunDir {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    public final Path dir;

    public RunDir(Path dir) { this.dir = dir; }

    /** Creates the directory tree; a path that cannot be written is a DataException with a hint. */
    public RunDir create() {
        try {
            Files.createDirectories(dir.resolve("checkpoints"));
            Files.createDirectories(dir.resolve("samples"));
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
            // temp files of atomic writes that a kill interrupted: never read, so only clutter
            for (Path d : new Path[] {dir, dir.resolve("checkpoints"), dir.resolve("samples"), dir.resolve("plots")})
                if (Files.isDirectory(d)) try (var s = Files.list(d)) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        String n = f.getFileName().toString();
                        if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(f)) Files.deleteIfExists(f);
                    }
                }
        } catch (IOException | SecurityException e) {
            throw new DataException("cannot write to the output directory " + dir + " (" + e.getMessage() + ")",
                    "choose a writable folder with --out DIR");
        }
        return this;
    }

    /**
     * Fails early, before data is loaded, when the directory cannot be created or written: its nearest existing
     * ancestor must be a writable directory (e.g. not a regular file, as in --out notes.txt/run). Creates nothing.
     */
    public void checkWritable() {
        Path p = dir.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) return;
        if (!Files.isDirectory(p))
            throw new DataException("cannot write to the output directory " + dir + ": " + p + " is a file, not a folder",
                    "choose a writable folder with --out DIR");
        if (!Files.isWritable(p))
            throw new DataException("cannot write to the output directory " + dir + ": " + p + " is not writable",
                    "choose a writable folder with --out DIR");
    }

    /** True when the directory already holds a run's files. */
    public boolean hasRun() {
        return Files.exists(config()) || Files.exists(metrics()) || Files.exists(lastCheckpoint());
    }

    /** Deletes a previous run's files (only the ones a run writes; anything else in the folder is kept). */
    public void clear() {
        try {
            for (Path p : new Path[] {config(), metrics(), summary(), lastCheckpoint(), bestCheckpoint(), diagnostics()}) Files.deleteIfExists(p);
            for (String sub : new String[] {"samples", "plots"}) {
                Path d = dir.resolve(sub);
                if (Files.isDirectory(d)) try (var s = Files.list(d)) {
                    for (Path f : (Iterable<Path>) s::iterator) Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the previous run in " + dir, e);
        }
    }

    public Path config() { return dir.resolve("config.json"); }
    public Path metrics() { return dir.resolve("metrics.jsonl"); }
    public Path summary() { return dir.resolve("summary.json"); }
    public Path diagnostics() { return dir.resolve("diagnostics.jsonl"); }
    public Path lastCheckpoint() { return dir.resolve("checkpoints").resolve("last.safetensors"); }
    public Path bestCheckpoint() { return dir.resolve("checkpoints").resolve("best.safetensors"); }
    public Path sample(long step) { return dir.resolve("samples").resolve(String.format("step-%06d.txt", step)); }

    public void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public void appendMetric(Map<String, Object> row) {
        try {
            AtomicFiles.appendLine(metrics(), JSON_LINE.writeValueAsString(row));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + metrics(), e);
        }
    }

    /**
     * Keeps the complete lines of a JSON-lines log whose "step" is at most maxStep and rewrites it atomically: a
     * resumed run redoes the steps after its checkpoint, and a kill may have left a half-written last line. Lines
     * that do not parse are dropped too (a half line followed by a later append). No file: nothing to do.
     */
    public void truncateJsonl(Path file, long maxStep) {
        if (!Files.exists(file)) return;
        try {
            String text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            StringBuilder kept = new StringBuilder();
            if (end >= 0) for (String line : text.substring(0, end).split("\n")) {
                if (line.isBlank()) continue;
                com.fasterxml.jackson.databind.JsonNode row;
                try {
                    row = JSON_LINE.readTree(line);
                } catch (IOException garbled) {
                    continue;
                }
                if (row == null || !row.isObject() || !row.has("step") || row.get("step").asLong() > maxStep) continue;
                kept.append(line).append('\n');
            }
            if (kept.length() != text.length()) AtomicFiles.writeString(file, kept.toString());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataException(file + " is not UTF-8 text", "move it away (the run's checkpoints are enough to resume)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    public void writeText(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    public LinkedHashMap<String, Object> readJson(Path file) {
        try {
            return JSON.readValue(file.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            // Jackson's original message, without the source location it appends on a second line
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new DataException("cannot read " + file + " (" + why + ")", "is " + dir + " a nanolm run directory?");
        }
    }

    /** What config.json records of where a run ran: parameters, threads, kernels, nanolm version, JVM. */
    public static void putEnvironment(java.util.Map<String, Object> c, long params, int threads) {
        c.put("params", params);
        c.put("threads", threads);
        c.put("kernels", dev.nanolm.kernels.Kernels.get().name());
        c.put("nanolm_version", Version.VERSION);
        c.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
    }
}
