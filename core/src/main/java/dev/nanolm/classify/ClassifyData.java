// Resolves a classifier's data: `ag_news` from the catalog (train.csv, test.csv, classes.txt) or any CSV/TSV
// (--label-col, --text-cols, optional --test-data and --class-names); then the vocabulary and the encoded rows.
package dev.nanolm.classify;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.Catalog;
import dev.nanolm.data.DataException;
import dev.nanolm.data.TextFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public record ClassifyData(LabeledTexts train, LabeledTexts test, String name, Path trainFile, Path testFile) {

    public static ClassifyData load(Settings s) {
        checkTokenizer(s.str("tokenizer"));
        String data = s.str("data");
        Catalog cat = new Catalog().onProgress(msg -> System.err.println("nanolm: " + msg));
        var spec = cat.find(data);
        if (spec.isPresent() && spec.get().name().equals("ag_news")) {
            Catalog.Resolved r = cat.resolveDataset(data);
            List<String> classes = classNames(r.file("ag_news/classes.txt"));
            CsvTexts.Columns cols = CsvTexts.Columns.agNews();
            Path tr = r.file("ag_news/train.csv"), te = r.file("ag_news/test.csv");
            return new ClassifyData(CsvTexts.read(tr, cols, classes), CsvTexts.read(te, cols, classes), "ag_news", tr, te);
        }
        if (spec.isPresent())
            throw new ConfigException("dataset '" + data + "' is not a classification dataset", "use --data ag_news or a CSV file");
        Path tr = cat.resolve(data);
        CsvTexts.Columns cols = columns(s);
        String cn = s.str("class-names");
        List<String> classes = cn.isEmpty() ? null : classNames(Path.of(cn));
        LabeledTexts train = CsvTexts.read(tr, cols, classes);
        String td = s.str("test-data");
        if (td.isEmpty()) return splitOff(train, s.longValue("split-seed"), data, tr);
        Path te = cat.resolve(td);
        return new ClassifyData(train, CsvTexts.read(te, cols, train.classes()), data, tr, te);
    }

    /** Without --test-data: 10% of the rows (at least one), drawn with --split-seed, are the test set. */
    /**
     * The classifiers read words (WordVocab, with --min-count); "char", the language models' default, is what runs
     * made before the classifier had a --tokenizer stored, and means words here too.
     */
    static void checkTokenizer(String spec) {
        if (spec.equals("word") || spec.equals("char")) return;
        throw new ConfigException("--tokenizer " + spec + " is for language models; a classifier's vocabulary is words",
                "use --tokenizer word (the default of the agnews presets), with --min-count to set its size");
    }

    static ClassifyData splitOff(LabeledTexts all, long seed, String name, Path file) {
        int n = all.size();
        if (n < 2) throw new DataException(file + " has " + n + " row; a classifier needs rows to train and test on",
                "add rows, or give --test-data FILE");
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        new dev.nanolm.tensor.Rng(seed).shuffle(perm);
        int nTest = Math.max(1, n / 10);
        return new ClassifyData(subset(all, Arrays.copyOfRange(perm, nTest, n)), subset(all, Arrays.copyOfRange(perm, 0, nTest)), name, file, file);
    }

    static LabeledTexts subset(LabeledTexts d, int[] rows) {
        String[] t = new String[rows.length];
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) { t[i] = d.texts()[rows[i]]; y[i] = d.labels()[rows[i]]; }
        return new LabeledTexts(t, y, d.classes(), d.source());
    }

    public static CsvTexts.Columns columns(Settings s) {
        String tc = s.str("text-cols");
        int[] cols;
        try {
            cols = Arrays.stream(tc.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new ConfigException("--text-cols must be column numbers separated by commas, got '" + tc + "'", "for example --text-cols 2,3");
        }
        try {
            return new CsvTexts.Columns(s.integer("label-col"), cols, s.bool("csv-header"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), "columns count from 1, e.g. --label-col 1 --text-cols 2,3");
        }
    }

    /** One class name per non-empty line. */
    static List<String> classNames(Path file) {
        List<String> out = new ArrayList<>();
        for (String line : TextFiles.readUtf8(file).split("\r?\n")) if (!line.isBlank()) out.add(line.strip());
        if (out.size() < 2) throw new DataException(file + " names " + out.size() + " class(es); a classifier needs at least 2",
                "write one class name per line");
        if (out.stream().distinct().count() != out.size()) throw new DataException(file + " names a class twice", "write each class name once");
        return out;
    }
}
