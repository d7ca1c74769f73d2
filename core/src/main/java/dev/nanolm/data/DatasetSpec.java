// One named dataset of the catalog: its kind, a one-line description, and its files with public URL and SHA-256.
// The first file is the primary one (what `--data NAME` hands to a loader).
package dev.nanolm.data;

import java.util.List;
import java.util.Locale;

public record DatasetSpec(String name, Kind kind, String description, List<FileSpec> files) {

    /** How a loader reads the primary file. */
    public enum Kind {
        /** one UTF-8 text, split by characters or tokens */
        TEXT,
        /** UTF-8, one item (e.g. a name) per line */
        LINES,
        /** CSV rows: class index, title, description */
        CLASSIFICATION;

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * A file of the dataset. {@code path} is relative to $NANOLM_DATA and to the cache, with '/' separators;
     * {@code sha256} (lower-case hex) is checked on download.
     */
    public record FileSpec(String path, String url, String sha256) {
        public FileSpec {
            if (path == null || path.isEmpty() || path.startsWith("/") || path.contains(".."))
                throw new IllegalArgumentException("dataset file paths must be relative, without '..': " + path);
            if (url == null || url.isEmpty()) throw new IllegalArgumentException("no url for " + path);
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}"))
                throw new IllegalArgumentException("sha256 of " + path + " must be 64 lower-case hex digits");
        }
    }

    public DatasetSpec {
        if (name == null || !name.matches("[a-z0-9_]+")) throw new IllegalArgumentException("bad dataset name: " + name);
        if (kind == null || description == null) throw new IllegalArgumentException("kind and description are required");
        if (files == null || files.isEmpty()) throw new IllegalArgumentException("dataset " + name + " has no files");
        files = List.copyOf(files);
    }

    public FileSpec primary() { return files.get(0); }
}
