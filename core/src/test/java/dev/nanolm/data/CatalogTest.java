// Dataset resolution: path passthrough, $NANOLM_DATA, the user cache, unknown-name suggestions, and
// checksum-verified downloads from a local HTTP server (tests never touch the network).
package dev.nanolm.data;

import com.sun.net.httpserver.HttpServer;
import dev.nanolm.data.DatasetSpec.FileSpec;
import dev.nanolm.data.DatasetSpec.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class CatalogTest {
    @TempDir Path tmp;
    Path data, cache, home;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    static final byte[] PAYLOAD = "First Citizen:\nBefore we proceed any further, hear me speak.\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        cache = Files.createDirectories(tmp.resolve("xdg"));
        home = Files.createDirectories(tmp.resolve("home"));
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(0);
    }

    /** An environment that can only resolve into the temp folders (never the real cache). */
    private Map<String, String> env(boolean withData) {
        return withData ? Map.of("NANOLM_DATA", data.toString(), "XDG_CACHE_HOME", cache.toString(), "HOME", home.toString())
                        : Map.of("XDG_CACHE_HOME", cache.toString(), "HOME", home.toString());
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private String startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file.txt", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, PAYLOAD.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(PAYLOAD); }
        });
        server.createContext("/missing.txt", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static DatasetSpec spec(String name, String file, String url, String sha) {
        return new DatasetSpec(name, Kind.TEXT, "test data", List.of(new FileSpec(file, url, sha)));
    }

    private List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void existingPathIsPassedThrough() throws IOException {
        Path f = Files.writeString(tmp.resolve("my corpus.txt"), "hello");
        Catalog cat = new Catalog(env(true));
        assertEquals(f, cat.resolve(f.toString()));
        Catalog.Resolved r = cat.resolveDataset(f.toString());
        assertNull(r.spec());
        // a file named like a dataset wins over the dataset, as the user pointed at it
        Path named = Files.writeString(tmp.resolve("names"), "x");
        assertEquals(named, cat.resolve(named.toString()));
    }

    @Test
    void nameResolvesFromNanolmDataWithoutChecksum() throws IOException {
        Path f = Files.writeString(data.resolve("tinyshakespeare.txt"), "not the real text");
        Files.createDirectories(cache.resolve("nanolm"));
        Files.writeString(cache.resolve("nanolm/tinyshakespeare.txt"), "cached");
        assertEquals(f, new Catalog(env(true)).resolve("shakespeare"));
        assertEquals(f, new Catalog(env(true)).resolve("Shakespeare"));
    }

    @Test
    void nameFallsBackToTheCache() throws IOException {
        Path c = cache.resolve("nanolm/names.txt");
        Files.createDirectories(c.getParent());
        Files.writeString(c, "emma\nolivia");
        assertEquals(c, new Catalog(env(true)).resolve("names")); // NANOLM_DATA set but without the file
        assertEquals(c, new Catalog(env(false)).resolve("names"));
    }

    @Test
    void cacheDirFollowsXdgThenHome() {
        assertEquals(cache.resolve("nanolm"), new Catalog(env(false)).cacheDir());
        assertEquals(home.resolve(".cache/nanolm"), new Catalog(Map.of("HOME", home.toString())).cacheDir());
        assertEquals(home.resolve(".cache/nanolm"),
                new Catalog(Map.of("HOME", home.toString(), "XDG_CACHE_HOME", "relative/dir")).cacheDir());
        assertNull(new Catalog(Map.of("NANOLM_DATA", "")).dataDir());
    }

    @Test
    void multiFileDatasetResolvesEachFile() throws IOException {
        Files.createDirectories(data.resolve("ag_news"));
        Path train = Files.writeString(data.resolve("ag_news/train.csv"), "\"1\",\"t\",\"d\"\n");
        Path test = Files.writeString(data.resolve("ag_news/test.csv"), "\"2\",\"t\",\"d\"\n");
        Files.createDirectories(cache.resolve("nanolm/ag_news"));
        Path classes = Files.writeString(cache.resolve("nanolm/ag_news/classes.txt"), "World\nSports\nBusiness\nSci/Tech\n");
        Catalog.Resolved r = new Catalog(env(true)).resolveDataset("ag-news");
        assertEquals("ag_news", r.spec().name());
        assertEquals(train, r.primary());
        assertEquals(test, r.file("ag_news/test.csv"));
        assertEquals(classes, r.file("ag_news/classes.txt"));
    }

    @Test
    void unknownNameSuggestsTheNearestAndListsAll() {
        Catalog cat = new Catalog(env(true));
        DataException e = assertThrows(DataException.class, () -> cat.resolve("shakespear"));
        assertTrue(e.getMessage().contains("did you mean 'shakespeare'"), e.getMessage());
        for (String n : List.of("shakespeare", "names", "ag_news")) assertTrue(e.hint().contains(n), e.hint());
        assertTrue(assertThrows(DataException.class, () -> cat.resolve("agnews")).getMessage().contains("'ag_news'"));
        assertTrue(assertThrows(DataException.class, () -> cat.resolve("nmes")).getMessage().contains("'names'"));
        DataException path = assertThrows(DataException.class, () -> cat.resolve(tmp.resolve("nope/corpus.txt").toString()));
        assertTrue(path.getMessage().startsWith("no such file"), path.getMessage());
        assertThrows(DataException.class, () -> cat.resolve(tmp.toString())); // a directory
    }

    @Test
    void editDistance() {
        assertEquals(3, Catalog.editDistance("kitten", "sitting"));
        assertEquals(0, Catalog.editDistance("names", "names"));
        assertEquals(5, Catalog.editDistance("", "names"));
        assertEquals(1, Catalog.editDistance("shakespear", "shakespeare"));
    }

    @Test
    void listShowsWhereEachDatasetResolves() throws IOException {
        Path f = Files.writeString(data.resolve("names.txt"), "ava\n");
        Files.createDirectories(data.resolve("ag_news"));
        Files.writeString(data.resolve("ag_news/train.csv"), "x\n");
        List<Catalog.Listing> l = new Catalog(env(true)).list();
        assertEquals(List.of("shakespeare", "names", "ag_news"), l.stream().map(Catalog.Listing::name).toList());
        assertEquals("not present", l.get(0).where());
        assertEquals(f.toString(), l.get(1).where());
        assertEquals("lines", l.get(1).kind().label());
        assertTrue(l.get(2).where().startsWith("incomplete"), l.get(2).where());
        assertTrue(l.get(2).where().contains("ag_news/test.csv"));
        assertTrue(l.stream().noneMatch(x -> x.description().isBlank()));
        assertEquals(List.of(), filesUnder(cache), "listing never downloads");
    }

    @Test
    void downloadIsVerifiedCachedAndReused() throws Exception {
        String base = startServer();
        List<String> messages = new ArrayList<>();
        Catalog cat = new Catalog(env(true), List.of(spec("tiny", "sub/tiny.txt", base + "/file.txt", sha(PAYLOAD))))
                .onProgress(messages::add);
        Path p = cat.resolve("tiny");
        assertEquals(cache.resolve("nanolm/sub/tiny.txt"), p);
        assertArrayEquals(PAYLOAD, Files.readAllBytes(p));
        assertEquals(1, messages.size());
        assertEquals(List.of(p), filesUnder(cache), "no temp file left");
        assertEquals(p, cat.resolve("tiny"));
        assertEquals(1, requests.get(), "the second resolve uses the cache");
        assertEquals(sha(PAYLOAD), Catalog.sha256(p));
    }

    @Test
    void downloadWithWrongChecksumIsDiscarded() throws Exception {
        String base = startServer();
        String wrong = sha("something else".getBytes(StandardCharsets.UTF_8));
        Catalog cat = new Catalog(env(true), List.of(spec("tiny", "tiny.txt", base + "/file.txt", wrong)));
        DataException e = assertThrows(DataException.class, () -> cat.resolve("tiny"));
        assertTrue(e.getMessage().contains(wrong) && e.getMessage().contains(sha(PAYLOAD)), e.getMessage());
        assertTrue(e.hint().contains("NANOLM_DATA") && e.hint().contains("--data PATH"), e.hint());
        assertEquals(List.of(), filesUnder(cache), "neither the bad file nor a temp file is kept");
    }

    @Test
    void failedDownloadGivesAHint() throws Exception {
        String base = startServer();
        Catalog cat = new Catalog(env(true), List.of(spec("tiny", "tiny.txt", base + "/missing.txt", sha(PAYLOAD))));
        DataException e = assertThrows(DataException.class, () -> cat.resolve("tiny"));
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertTrue(e.hint().contains("set NANOLM_DATA to a folder holding tiny.txt"), e.hint());
        assertEquals(List.of(), filesUnder(cache));
    }

    @Test
    void fileUrlsWorkToo() throws Exception {
        Path src = Files.write(tmp.resolve("mirror.txt"), PAYLOAD);
        Catalog cat = new Catalog(env(false), List.of(spec("tiny", "tiny.txt", src.toUri().toString(), sha(PAYLOAD))));
        assertArrayEquals(PAYLOAD, Files.readAllBytes(cat.resolve("tiny")));
    }

    @Test
    void sha256OfAFileMatchesTheStandardVector() throws IOException {
        Path f = Files.writeString(tmp.resolve("abc.txt"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Catalog.sha256(f));
        assertThrows(DataException.class, () -> Catalog.sha256(tmp.resolve("absent")));
    }

    @Test
    void builtinChecksumsMatchTheStagedFilesWhenAvailable() throws IOException {
        // Runs only where NANOLM_DATA holds the shared data; the partial ag_news/train.csv is known to differ.
        String d = System.getenv("NANOLM_DATA");
        if (d == null || d.isBlank()) return;
        for (DatasetSpec s : Catalog.BUILTIN)
            for (FileSpec f : s.files()) {
                Path p = Path.of(d, f.path());
                if (Files.isRegularFile(p) && !f.path().equals("ag_news/train.csv"))
                    assertEquals(f.sha256(), Catalog.sha256(p), f.path());
            }
    }
}
