// A classification dataset in memory: one text and one class index per row, the class names, and where it came from.
package dev.nanolm.classify;

import java.util.List;

public record LabeledTexts(String[] texts, int[] labels, List<String> classes, String source) {
    public int size() { return texts.length; }

    /** Rows per class, in class order. */
    public int[] classCounts() {
        int[] c = new int[classes.size()];
        for (int y : labels) c[y]++;
        return c;
    }
}
