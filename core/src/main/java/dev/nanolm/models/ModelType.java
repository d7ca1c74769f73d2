// The registry of model types: name -> constructor. One file per model beside this one.
package dev.nanolm.models;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Strings;
import dev.nanolm.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

public final class ModelType {
    private static final LinkedHashMap<String, String> DESCRIPTIONS = new LinkedHashMap<>();
    private static final Map<String, BiFunction<ModelConfig, Rng, WindowModel>> MAKERS = new LinkedHashMap<>();

    static {
        register("bigram", "bigram counts with add-one smoothing (makemore part 1)", BigramCounts::new);
        register("bigram-nn", "bigram as a one-layer neural net trained by gradient descent (makemore part 1)", BigramNet::new);
        register("mlp", "Bengio et al. 2003 MLP over a window of characters (makemore part 2)", Mlp::new);
    }

    private static void register(String name, String description, BiFunction<ModelConfig, Rng, WindowModel> maker) {
        DESCRIPTIONS.put(name, description);
        MAKERS.put(name, maker);
    }

    public static void require(String type) {
        if (!MAKERS.containsKey(type))
            throw new ConfigException("unknown model type '" + type + "'",
                    "did you mean " + Strings.nearest(type, MAKERS.keySet()) + "? types: " + String.join(", ", MAKERS.keySet()));
    }

    public static WindowModel create(ModelConfig cfg, Rng rng) { return MAKERS.get(cfg.type()).apply(cfg, rng); }

    public static Map<String, String> descriptions() { return java.util.Collections.unmodifiableMap(DESCRIPTIONS); }

    private ModelType() {}
}
