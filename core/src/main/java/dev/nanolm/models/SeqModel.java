// A language model over sequences that predicts the next token at every position (makemore.py's bow, rnn, gru,
// lstm); its shape is a SeqConfig.
package dev.nanolm.models;

public abstract class SeqModel extends LanguageModel {
    public final SeqConfig config;

    protected SeqModel(SeqConfig config) { this.config = config; }

    @Override public String type() { return config.type(); }
    @Override public SeqConfig config() { return config; }
    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int blockSize() { return config.blockSize(); }
    @Override public boolean predictsEveryPosition() { return true; }
}
