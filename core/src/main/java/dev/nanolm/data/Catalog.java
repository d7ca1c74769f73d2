// The named datasets (`--data NAME`) and how a name or a path becomes a local file:
// an existing path as is; a name from $NANOLM_DATA, else the user cache, else a checksum-verified download.
package dev.nanolm.data;

import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.data.DatasetSpec.FileSpec;
import dev.nanolm.data.DatasetSpec.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

public final class Catalog {

    /** The built-in datasets. Checksums are of the files as published at these URLs. */
    public static final List<DatasetSpec> BUILTIN = List.of(
            new DatasetSpec("shakespeare", Kind.TEXT,
                    "Tiny Shakespeare: 1.1 MB of Shakespeare's plays (Karpathy's char-rnn), for character-level models",
                    List.of(new FileSpec("tinyshakespeare.txt",
                            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
                            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"))),
            new DatasetSpec("names", Kind.LINES,
                    "32,033 common US baby names, one per line (Karpathy's makemore), for makemore-style models",
                    List.of(new FileSpec("names.txt",
                            "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt",
                            "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"))),
            new DatasetSpec("ag_news", Kind.CLASSIFICATION,
                    "AG News topic classification: 120,000 train / 7,600 test news items in 4 classes (CSV: class, title, description)",
                    List.of(
                            // Checksums of the full upstream CSVs (the same files torchtext and Hugging Face fetch).
                            // A partial train.csv found in $NANOLM_DATA is accepted: local files are not checked.
                            new FileSpec("ag_news/train.csv",
                                    "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv",
                                    "76a0a2d2f92b286371fe4d4044640910a04a803fdd2538e0f3f29a5c6f6b672e"),
                            new FileSpec("ag_news/test.csv",
                                    "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv",
                                    "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699"),
                            new FileSpec("ag_news/classes.txt",
                                    "https://raw.githubusercontent.com/zhourunlong/densenet-ag_news-nlp/"
                                            + "38dcf5a18386a3155593d74e3eba6d967501b242/ag_news_csv/classes.txt",
                                    "612dbfa932f07a6ed837295a7d5746ce7412e7bb4bc32ba919fdb3cda3a1b9b5"))));

    /** Where a resolved dataset's files are: by path inside the dataset (e.g. "ag_news/test.csv"). */
    public record Resolved(DatasetSpec spec, Path primary, Map<String, Path> files) {
        /** A file of the dataset by its catalog path, e.g. {@code file("ag_news/test.csv")}. */
        public Path file(String path) {
            Path p = files.get(path);
            if (p == null) throw new IllegalArgumentException("dataset has no file " + path + "; it has " + files.keySet());
            return p;
        }
    }

    /** One line of `nanolm datasets`; {@code primary} is null when the dataset is not present locally. */
    public record Listing(DatasetSpec spec, Path primary, List<String> missing) {
        public String name() { return spec.name(); }
        public Kind kind() { return spec.kind(); }
        public String description() { return spec.description(); }
        public boolean present() { return missing.isEmpty(); }
        public String where() {
            if (present()) return primary.toString();
            return missing.size() == spec.files().size() ? "not present" : "incomplete (missing " + String.join(", ", missing) + ")";
        }
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

    private final Map<String, String> env;
    private final List<DatasetSpec> specs;
    private Consumer<String> progress = s -> {};
    private HttpClient http;

    /** The built-in catalog, reading the real environment. */
    public Catalog() {
        this(System.getenv());
    }

    /** The built-in catalog with an injected environment (NANOLM_DATA, XDG_CACHE_HOME, HOME). */
    public Catalog(Map<String, String> env) {
        this(env, BUILTIN);
    }

    public Catalog(Map<String, String> env, List<DatasetSpec> specs) {
        this.env = Map.copyOf(Objects.requireNonNull(env));
        this.specs = List.copyOf(specs);
    }

    /** Receives one message per download started (the CLI prints it; this class never prints). */
    public Catalog onProgress(Consumer<String> listener) {
        this.progress = Objects.requireNonNull(listener);
        return this;
    }

    public List<DatasetSpec> specs() { return specs; }

    public List<String> names() { return specs.stream().map(DatasetSpec::name).collect(Collectors.toList()); }

    /** A spec by name; case and '-' versus '_' do not matter ("AG-News" finds ag_news). */
    public Optional<DatasetSpec> find(String name) {
        String key = normalise(name);
        return specs.stream().filter(s -> s.name().equals(key)).findFirst();
    }

    /** $NANOLM_DATA as a directory, or null when unset or empty. */
    public Path dataDir() {
        String d = env.get("NANOLM_DATA");
        return d == null || d.isBlank() ? null : Path.of(d);
    }

    /** $XDG_CACHE_HOME/nanolm, else $HOME/.cache/nanolm (the XDG rule: a relative XDG_CACHE_HOME is ignored). */
    public Path cacheDir() {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "nanolm");
        String home = env.get("HOME");
        if (home == null || home.isBlank()) home = System.getProperty("user.home");
        return Path.of(home, ".cache", "nanolm");
    }

    // ---------------------------------------------------------------- resolution

    /** The primary file for a dataset name or an existing file path (downloading if needed). */
    public Path resolve(String nameOrPath) {
        return resolveDataset(nameOrPath).primary();
    }

    /**
     * An existing file path -> that file (spec null). A catalog name -> every file of the dataset, each
     * from $NANOLM_DATA (not checksummed: it may hold a trimmed copy), else the cache, else downloaded
     * into the cache and verified. Anything else -> {@link DataException} naming the nearest dataset.
     */
    public Resolved resolveDataset(String nameOrPath) {
        Objects.requireNonNull(nameOrPath, "dataset name or path");
        Path asPath = asPath(nameOrPath);
        if (asPath != null && Files.isRegularFile(asPath)) return new Resolved(null, asPath, Map.of(asPath.getFileName().toString(), asPath));
        if (asPath != null && Files.isDirectory(asPath) && find(nameOrPath).isEmpty())
            throw new DataException(nameOrPath + " is a directory, not a data file",
                    "pass a file (UTF-8 text, one item per line, or CSV), or a dataset name: " + String.join(", ", names()));
        DatasetSpec spec = find(nameOrPath).orElseThrow(() -> unknown(nameOrPath));
        Map<String, Path> files = new LinkedHashMap<>();
        for (FileSpec f : spec.files()) {
            Path p = locate(f).orElse(null);
            if (p == null) p = download(spec, f);
            files.put(f.path(), p);
        }
        return new Resolved(spec, files.get(spec.primary().path()), Collections.unmodifiableMap(files));
    }

    /** Where a file of a dataset is already present ($NANOLM_DATA first, then the cache); never downloads. */
    public Optional<Path> locate(FileSpec f) {
        Path data = dataDir();
        if (data != null) {
            Path p = data.resolve(f.path());
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        Path c = cacheDir().resolve(f.path());
        return Files.isRegularFile(c) ? Optional.of(c) : Optional.empty();
    }

    /** For the `datasets` command: every dataset with where it resolves now (no download). */
    public List<Listing> list() {
        List<Listing> out = new ArrayList<>();
        for (DatasetSpec s : specs) {
            List<String> missing = new ArrayList<>();
            for (FileSpec f : s.files()) if (locate(f).isEmpty()) missing.add(f.path());
            out.add(new Listing(s, locate(s.primary()).orElse(null), List.copyOf(missing)));
        }
        return out;
    }

    // ---------------------------------------------------------------- download

    /** Signals a checksum mismatch from inside the atomic write, so the temp file is discarded. */
    private static final class ChecksumMismatch extends IOException {
        final String actual;
        ChecksumMismatch(String actual) {
            super("checksum mismatch");
            this.actual = actual;
        }
    }

    private Path download(DatasetSpec spec, FileSpec f) {
        Path target = cacheDir().resolve(f.path());
        String hint = "set NANOLM_DATA to a folder holding " + f.path() + ", or pass --data PATH";
        progress.accept("downloading " + spec.name() + " (" + f.path() + ") from " + f.url() + " to " + target);
        try {
            AtomicFiles.write(target, out -> {
                MessageDigest md = sha256Digest();
                try (InputStream in = new DigestInputStream(open(f.url()), md)) {
                    in.transferTo(out);
                }
                String actual = HexFormat.of().formatHex(md.digest());
                if (!actual.equals(f.sha256())) throw new ChecksumMismatch(actual);
            });
        } catch (ChecksumMismatch e) {
            throw new DataException("the download of " + f.path() + " from " + f.url() + " has SHA-256 " + e.actual
                    + " but " + f.sha256() + " was expected; it was discarded", hint);
        } catch (IOException e) {
            throw new DataException("cannot download " + f.path() + " for dataset " + spec.name() + " from " + f.url()
                    + ": " + e, hint, e);
        }
        return target;
    }

    private InputStream open(String url) throws IOException {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) return Files.newInputStream(Path.of(uri));
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IOException("unsupported URL scheme: " + url);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (resp.statusCode() != 200) {
            resp.body().close();
            throw new IOException("HTTP status " + resp.statusCode());
        }
        return resp.body();
    }

    private synchronized HttpClient client() {
        if (http == null)
            http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        return http;
    }

    // ---------------------------------------------------------------- helpers

    /** SHA-256 of a file as lower-case hex (for config.json and checks). */
    public static String sha256(Path file) {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e, "check that the file exists and is readable", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The catalog name closest to {@code s} by edit distance (after normalising case and '-'). */
    public String nearest(String s) {
        String key = normalise(s);
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String n : names()) {
            int d = editDistance(key, n);
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return best;
    }

    static int editDistance(String a, String b) { return dev.nanolm.config.Strings.levenshtein(a, b); }

    private DataException unknown(String s) {
        String list = String.join(", ", names());
        boolean looksLikePath = s.contains("/") || s.contains("\\") || s.matches(".*\\.[A-Za-z0-9]{1,5}");
        if (looksLikePath)
            return new DataException("no such file: " + s, "check the path, or use a dataset name: " + list);
        String near = nearest(s);
        return new DataException("unknown dataset '" + s + "' and no file of that name"
                + (near != null ? "; did you mean '" + near + "'?" : ""),
                "known datasets: " + list + "; or pass --data PATH to a local file");
    }

    private static Path asPath(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static String normalise(String name) { return name.trim().toLowerCase(Locale.ROOT).replace('-', '_'); }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
