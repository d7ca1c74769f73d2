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
        } catch (IOException | SecurityException e) {
            throw new DataException("cannot write to the output directory " + dir + " (" + e.getMessage() + ")",
                    "choose a writable folder with --out DIR");
        }
        return this;
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
     * Drops the metrics.jsonl lines of steps after step (and a torn last line): a run resumed from its checkpoint at
     * step logs those steps again, and its curves should not hold them twice. Rewritten atomically.
     */
    public void dropMetricsAfter(long step) {
        if (!Files.exists(metrics())) return;
        try {
            String text = Files.readString(metrics());
            StringBuilder kept = new StringBuilder();
            boolean dropped = !text.isEmpty() && !text.endsWith("\n");
            int end = text.lastIndexOf('\n');
            for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
                if (line.isBlank()) continue;
                var node = JSON_LINE.readTree(line);
                if (node.has("step") && node.get("step").asLong() > step) { dropped = true; continue; }
                kept.append(line).append('\n');
            }
            if (dropped) AtomicFiles.writeString(metrics(), kept.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + metrics(), e);
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
            throw new DataException("cannot read " + file + " (" + e.getMessage() + ")", "is " + dir + " a nanolm run directory?");
        }
    }
}
