// The registry of model types: name -> how to read its config from settings, and how to build it.
// One file per model beside this one; a new model type is one register(...) line here.
package dev.nanolm.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.config.Strings;
import dev.nanolm.tensor.Rng;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

public final class ModelType {

    /** What --data-format auto means for a model type: makemore's one item per line, or nanoGPT's one text. */
    public enum Data { LINES, TEXT }

    /** One model type: its config record class, how settings become that record, the constructor, its usual data. */
    public record Kind<C extends Record>(String name, String description, Class<C> configClass,
                                         BiFunction<Settings, Integer, C> fromSettings, BiFunction<C, Rng, LanguageModel> maker, Data data) {
        @SuppressWarnings("unchecked")
        LanguageModel make(Record cfg, Rng rng) { return maker.apply((C) cfg, rng); }
    }

    private static final LinkedHashMap<String, Kind<?>> KINDS = new LinkedHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        register(new Kind<>("bigram", "bigram counts with add-one smoothing (makemore part 1)", ModelConfig.class,
                ModelConfig::from, BigramCounts::new, Data.LINES));
        register(new Kind<>("bigram-nn", "bigram as a one-layer neural net trained by gradient descent (makemore part 1)", ModelConfig.class,
                ModelConfig::from, BigramNet::new, Data.LINES));
        register(new Kind<>("mlp", "Bengio et al. 2003 MLP over a window of characters (makemore part 2)", ModelConfig.class,
                ModelConfig::from, Mlp::new, Data.LINES));
        register(new Kind<>("mlp-bn", "the MLP with BatchNorm1d before its tanh, Kaiming init (makemore part 3)", ModelConfig.class,
                ModelConfig::from, MlpBn::new, Data.LINES));
        register(new Kind<>("wavenet", "WaveNet-style tree: consecutive pairs fused by Linear, BatchNorm1d, tanh per level (makemore part 5)", ModelConfig.class,
                ModelConfig::from, WaveNet::new, Data.LINES));
        register(new Kind<>("bow", "makemore.py's causal bag of words: mean of earlier positions + tanh MLP block", SeqConfig.class,
                SeqConfig::from, BagOfWords::new, Data.LINES));
        register(new Kind<>("rnn", "makemore.py's RNN (Mikolov 2010): tanh cell unrolled over the item, learned start state",
                SeqConfig.class, SeqConfig::from, RecurrentLm::new, Data.LINES));
        register(new Kind<>("gru", "makemore.py's GRU (Cho 2014; PyTorch's equations): gated cell, learned start state",
                SeqConfig.class, SeqConfig::from, RecurrentLm::new, Data.LINES));
        register(new Kind<>("lstm", "LSTM (Graves 2013 cell; PyTorch's equations) in makemore.py's RNN frame, learned start state",
                SeqConfig.class, SeqConfig::from, RecurrentLm::new, Data.LINES));
        register(new Kind<>("gru-lm", "GRU language model on text windows: embedding, multi-layer GRU from a zero state, Linear head; "
                + "decodes token by token", SeqConfig.class, SeqConfig::from, RecurrentLm::new, Data.TEXT));
        register(new Kind<>("transformer", "makemore.py's Transformer: the GPT with untied lm_head and PyTorch's default init", GptConfig.class,
                GptConfig::from, (c, r) -> new Gpt(c, r, true), Data.LINES));
        register(new Kind<>("gpt", "nanoGPT's GPT: pre-LayerNorm transformer, GELU MLP, tied lm_head (Let's build GPT, nanoGPT)", GptConfig.class,
                GptConfig::from, Gpt::new, Data.TEXT));
        register(new Kind<>("gpt-lecture", "the GPT of the 'Let's build GPT' lecture's gpt.py: per-head Linears, ReLU feed-forward, untied lm_head", GptConfig.class,
                GptLecture::config, GptLecture::new, Data.TEXT));
        register(new Kind<>("gpt-lecture-default-init", "gpt-lecture with PyTorch's default init instead of gpt.py's _init_weights N(0, 0.02)",
                GptConfig.class, GptLecture::config, (c, r) -> new GptLecture(c, r, GptLecture.Variant.DEFAULT_INIT), Data.TEXT));
        register(new Kind<>("gpt-lecture-video", "gpt-lecture as run in the video: PyTorch's default init and attention scores scaled "
                + "by n_embd^-0.5 (the video's C**-0.5) instead of head_size^-0.5", GptConfig.class, GptLecture::config,
                (c, r) -> new GptLecture(c, r, GptLecture.Variant.VIDEO), Data.TEXT));
        register(new Kind<>("bdh", "Pathway's Baby Dragon Hatchling (bdh.py): shared-weight layers of sparse positive neurons, "
                + "RoPE linear attention without softmax", BdhConfig.class, BdhConfig::from, Bdh::new, Data.TEXT));
    }

    public static void register(Kind<?> kind) { KINDS.put(kind.name(), kind); }

    public static void require(String type) {
        if (!KINDS.containsKey(type))
            throw new ConfigException("unknown model type '" + type + "'",
                    "did you mean " + Strings.nearest(type, KINDS.keySet()) + "? types: " + String.join(", ", KINDS.keySet()));
    }

    public static Kind<?> kind(String type) {
        require(type);
        return KINDS.get(type);
    }

    /** The config record of --model for this vocabulary, validated. */
    public static Record config(Settings s, int vocabSize) { return kind(s.str("model")).fromSettings().apply(s, vocabSize); }

    public static LanguageModel create(String type, Record cfg, Rng rng) { return kind(type).make(cfg, rng); }

    /** Window-model shortcut used by tests. */
    public static WindowModel create(ModelConfig cfg, Rng rng) { return (WindowModel) create(cfg.type(), cfg, rng); }

    /** Reads a config record back from its JSON (checkpoints). */
    public static Record configFromJson(String type, String json) {
        try {
            return JSON.readValue(json, kind(type).configClass());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read the " + type + " config " + json + ": " + e.getOriginalMessage());
        }
    }

    public static Map<String, String> descriptions() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        KINDS.forEach((k, v) -> m.put(k, v.description()));
        return Collections.unmodifiableMap(m);
    }

    private ModelType() {}
}
