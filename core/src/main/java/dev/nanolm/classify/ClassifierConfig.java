// The shape of a text classifier (recurrent, or bag of n-grams); stored in checkpoints as JSON so `eval` and `predict` rebuild it.
package dev.nanolm.classify;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

public record ClassifierConfig(String cell, int vocabSize, int nEmbd, int hidden, int layers, boolean bidirectional,
                               float dropout, String aggregation, boolean concatLast, boolean meanIncludesPadding,
                               int numClasses, int buckets) {
    public ClassifierConfig {
        if (!cell.equals("rnn") && !cell.equals("gru") && !cell.equals("lstm") && !cell.equals("bow"))
            throw new ConfigException("--model must be rnn, gru, lstm or bow for a classifier, got '" + cell + "'", "use --model gru");
        if (buckets < 0) throw new ConfigException("--ngram-buckets must be >= 0, got " + buckets, "use --ngram-buckets 200000");
        if (!aggregation.equals("mean") && !aggregation.equals("max"))
            throw new ConfigException("--aggregation must be mean or max, got '" + aggregation + "'", "use --aggregation mean");
        positive("n-embd", nEmbd);
        positive("n-hidden", hidden);
        positive("n-layer", layers);
        if (!(dropout >= 0 && dropout < 1)) throw new ConfigException("--dropout must be in [0, 1), got " + dropout, "use --dropout 0.1");
        if (numClasses < 2) throw new ConfigException("a classifier needs at least 2 classes, the data has " + numClasses, "check --label-col");
    }

    /** A recurrent classifier's config (no bigram buckets). */
    public ClassifierConfig(String cell, int vocabSize, int nEmbd, int hidden, int layers, boolean bidirectional, float dropout,
                            String aggregation, boolean concatLast, boolean meanIncludesPadding, int numClasses) {
        this(cell, vocabSize, nEmbd, hidden, layers, bidirectional, dropout, aggregation, concatLast, meanIncludesPadding, numClasses, 0);
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new ConfigException("--" + key + " must be positive, got " + v, "use --" + key + " 256");
    }

    /** From the run's settings and the data's vocabulary and class count. */
    public static ClassifierConfig from(Settings s, int vocabSize, int numClasses) {
        return new ClassifierConfig(s.str("model"), vocabSize, s.integer("n-embd"), s.integer("n-hidden"), s.integer("n-layer"),
                s.bool("bidirectional"), s.number("dropout"), s.str("aggregation"), s.bool("concat-last"),
                s.bool("mean-includes-padding"), numClasses, s.str("model").equals("bow") ? s.integer("ngram-buckets") : 0);
    }

    public int directions() { return bidirectional ? 2 : 1; }

    /** Width after aggregation: the recurrent outputs (both directions), twice with --concat-last. */
    public int featureWidth() { return hidden * directions() * (concatLast ? 2 : 1); }
}
