// A model's token-embedding table and its 2-D picture (makemore part 2's scatter of C with each character at its
// point): the first Embedding module whose table has one row per vocabulary entry (Mlp's C.weight, GPT's
// transformer.wte.weight), or else the first 2-D parameter with that many rows (the bigram net's W).
package dev.nanolm.report;

import dev.nanolm.models.LanguageModel;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Module;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.util.Locale;
import org.knowm.xchart.XYChart;

public final class Embeddings {
    /** The table (rows = tokens) and its parameter name. */
    public record Table(String name, Tensor weight) {
        public int rows() { return weight.shape[0]; }
        public int cols() { return weight.shape[1]; }
    }

    /** The token-embedding table, or null when the model has none (counting models). */
    public static Table tokenTable(LanguageModel model) {
        Embedding e = findEmbedding(model, model.vocabSize());
        if (e != null) {
            for (Parameter p : model.parameters()) if (p.value() == e.weight()) return new Table(p.name(), p.value());
            return new Table(e.weight().name, e.weight());
        }
        for (Parameter p : model.parameters())
            if (p.rank() == 2 && p.value().shape[0] == model.vocabSize()) return new Table(p.name(), p.value());
        return null;
    }

    private static Embedding findEmbedding(Module m, int vocab) {
        if (m instanceof Embedding e && e.V == vocab) return e;
        for (Module c : m.children().values()) {
            Embedding e = findEmbedding(c, vocab);
            if (e != null) return e;
        }
        return null;
    }

    /** Points in 2-D: the table itself when it is 2 wide, its first two principal components when wider, (x, 0) when 1 wide. */
    public record Points(double[] x, double[] y, String xLabel, String yLabel, String note) {}

    public static Points points(Table t) {
        int n = t.rows(), d = t.cols();
        float[] w = t.weight().data;
        double[] x = new double[n], y = new double[n];
        if (d <= 2) {
            for (int i = 0; i < n; i++) { x[i] = w[i * d]; y[i] = d == 2 ? w[i * d + 1] : 0; }
            return new Points(x, y, t.name() + "[:, 0]", d == 2 ? t.name() + "[:, 1]" : "", "the table itself (" + d + " wide)");
        }
        Pca.Result p = Pca.fit(w, n, d, 2);
        for (int i = 0; i < n; i++) { x[i] = p.projected()[i][0]; y[i] = p.projected()[i][1]; }
        return new Points(x, y, String.format(Locale.ROOT, "PC1 (%.0f%% of the variance)", 100 * p.explained(0)),
                String.format(Locale.ROOT, "PC2 (%.0f%% of the variance)", 100 * p.explained(1)),
                String.format(Locale.ROOT, "PCA of %d dims: PC1 %.0f%%, PC2 %.0f%% of the variance", d, 100 * p.explained(0), 100 * p.explained(1)));
    }

    public static XYChart chart(Table t, Points pts, String[] labels, String title) {
        return Plots.scatter(title, pts.xLabel(), pts.yLabel(), pts.x(), pts.y(), labels, Plots.Hue.BLUE);
    }

    private Embeddings() {}
}
