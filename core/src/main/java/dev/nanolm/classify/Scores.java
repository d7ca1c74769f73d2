// Classification scores from predictions: accuracy, per-class precision/recall/F1 and the confusion matrix.
package dev.nanolm.classify;

import static dev.nanolm.train.Stats.round;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class Scores {
    /** confusion[true][predicted]. */
    public final long[][] confusion;
    public final List<String> classes;

    public Scores(int[] truth, int[] predicted, List<String> classes) {
        this.classes = classes;
        confusion = new long[classes.size()][classes.size()];
        for (int i = 0; i < truth.length; i++) confusion[truth[i]][predicted[i]]++;
    }

    public double accuracy() {
        long ok = 0, all = 0;
        for (int i = 0; i < confusion.length; i++) for (int j = 0; j < confusion.length; j++) { all += confusion[i][j]; if (i == j) ok += confusion[i][j]; }
        return all == 0 ? 0 : (double) ok / all;
    }

    public double precision(int c) {
        long col = 0;
        for (long[] row : confusion) col += row[c];
        return col == 0 ? 0 : (double) confusion[c][c] / col;
    }

    public double recall(int c) {
        long row = 0;
        for (long v : confusion[c]) row += v;
        return row == 0 ? 0 : (double) confusion[c][c] / row;
    }

    public double f1(int c) {
        double p = precision(c), r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** For summary.json: per class {precision, recall, f1, support}. */
    public Map<String, Object> perClass() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            Map<String, Object> e = new LinkedHashMap<>();
            long support = 0;
            for (long v : confusion[c]) support += v;
            e.put("precision", round(precision(c)));
            e.put("recall", round(recall(c)));
            e.put("f1", round(f1(c)));
            e.put("support", support);
            m.put(classes.get(c), e);
        }
        return m;
    }

    public List<List<Long>> confusionList() {
        List<List<Long>> out = new ArrayList<>();
        for (long[] row : confusion) { List<Long> r = new ArrayList<>(); for (long v : row) r.add(v); out.add(r); }
        return out;
    }

    /** A printable report: per-class table and the confusion matrix (rows true, columns predicted). */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int w = 10;
        for (String c : classes) w = Math.max(w, c.length() + 1);
        sb.append(String.format("%-" + w + "s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < classes.size(); c++) {
            long s = 0;
            for (long v : confusion[c]) s += v;
            sb.append(String.format("%-" + w + "s %9.4f %9.4f %9.4f %8d%n", classes.get(c), precision(c), recall(c), f1(c), s));
        }
        sb.append(String.format("accuracy %.4f%nconfusion matrix (rows: true class, columns: predicted)%n", accuracy()));
        sb.append(String.format("%-" + w + "s", ""));
        for (String c : classes) sb.append(String.format(" %9s", c.length() > 9 ? c.substring(0, 9) : c));
        sb.append('\n');
        for (int i = 0; i < classes.size(); i++) {
            sb.append(String.format("%-" + w + "s", classes.get(i)));
            for (long v : confusion[i]) sb.append(String.format(" %9d", v));
            sb.append('\n');
        }
        return sb.toString();
    }

}
