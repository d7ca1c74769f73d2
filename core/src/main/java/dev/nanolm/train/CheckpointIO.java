// Model-aware checkpoint contents: model state by path name, optimizer moments under "optim.", and the
// metadata that lets a reader rebuild the model (type, config, tokenizer) and a resumed run continue exactly (RNG, step).
// The tokenizer is "tokenizer" (its kind), "vocab" (its serialised form) and, for a compacted vocabulary, "token_map".
package dev.nanolm.train;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.checkpoint.CheckpointException;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.ModelType;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tokenizer;
import dev.nanolm.tokenize.Tokenizers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

public final class CheckpointIO {
    static final String OPTIM = Checkpoint.OPTIM_PREFIX;

    public static Checkpoint capture(LanguageModel model, Optimizer opt, Rng rng, Tokenizer tok, Map<String, String> extra) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
        if (opt != null) opt.state().forEach((k, v) -> tensors.put(OPTIM + k, v));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("model_type", model.type());
        meta.put("model_config", Json.compact(model.config()));
        meta.put("tokenizer", tok.kind());  // "char" + the char vocabulary: the format of checkpoints before tokenizers
        meta.put("vocab", tok.serialize());
        if (tok instanceof CompactVocab cv) meta.put("token_map", cv.tokenMap());
        meta.put("rng", Arrays.stream(rng.state()).mapToObj(Long::toString).collect(Collectors.joining(",")));
        if (opt != null) meta.put("optim_steps", Long.toString(opt.stepCount()));
        meta.putAll(extra);
        return new Checkpoint(tensors, meta);
    }

    /** Refuses a checkpoint whose model, tokenizer or dataset differ from this run's, listing the differences. */
    public static void checkCompatible(Checkpoint ck, String type, Record cfg, Tokenizer tok, String datasetSha) {
        StringBuilder diffs = new StringBuilder();
        String savedType = ck.requireMeta("model_type");
        if (!savedType.equals(type)) diffs.append(" model type ").append(savedType).append(" vs ").append(type).append(';');
        else {
            Record saved = modelConfig(ck);
            if (!saved.equals(cfg)) diffs.append(configDiff(saved, cfg));
        }
        if (!sameTokenizer(ck, tok)) {
            Tokenizer saved = tokenizer(ck);
            if (saved instanceof CharVocab a && tok instanceof CharVocab b) diffs.append(vocabDiff(a, b));
            else diffs.append(" tokenizer ").append(saved.name()).append(" (checkpoint) vs ").append(tok.name()).append(" (this run)")
                    .append(saved.name().equals(tok.name()) ? ", with different merges or token maps;" : ";");
        }
        String sha = ck.metadata().get("dataset_sha256");
        if (sha != null && datasetSha != null && !sha.equals(datasetSha))
            diffs.append(" dataset SHA-256 ").append(sha, 0, 12).append("… vs ").append(datasetSha, 0, 12).append("…;");
        if (diffs.length() > 0)
            // each difference ends with ';' as a separator; the last one's would sit before the hint
            throw new CheckpointException("the checkpoint does not match this run's settings:" + diffs.substring(0, diffs.length() - 1),
                    "resume with the settings the run was started with (see its config.json), or start a new run in another --out folder");
    }

    /** " --n-embd 10 (checkpoint) vs 12 (this run);" for each differing field of two configs of one record class. */
    static String configDiff(Record saved, Record now) {
        if (saved.getClass() != now.getClass()) return " model " + saved + " vs " + now + ";";
        StringBuilder sb = new StringBuilder();
        try {
            for (var c : saved.getClass().getRecordComponents()) {
                Object a = c.getAccessor().invoke(saved), b = c.getAccessor().invoke(now);
                if (java.util.Objects.equals(a, b)) continue;
                String key = c.getName().equals("vocabSize") ? "vocabulary size"
                        : "--" + c.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
                sb.append(' ').append(key).append(' ').append(a).append(" (checkpoint) vs ").append(b).append(" (this run);");
            }
        } catch (ReflectiveOperationException e) {
            return " model " + saved + " vs " + now + ";";
        }
        return sb.toString();
    }

    /** " vocabulary differs: ... only in the checkpoint 'x', only in this run's data 'y';" (characters quoted, escaped). */
    static String vocabDiff(CharVocab saved, CharVocab now) {
        java.util.TreeSet<Integer> a = new java.util.TreeSet<>(), b = new java.util.TreeSet<>();
        for (int i = 0; i < saved.size(); i++) a.add(saved.codePointOf(i));
        for (int i = 0; i < now.size(); i++) b.add(now.codePointOf(i));
        java.util.TreeSet<Integer> onlyA = new java.util.TreeSet<>(a), onlyB = new java.util.TreeSet<>(b);
        onlyA.removeAll(b);
        onlyB.removeAll(a);
        StringBuilder sb = new StringBuilder(" vocabulary differs (" + saved.size() + " tokens in the checkpoint, " + now.size() + " in this run's data");
        if (!onlyA.isEmpty()) sb.append("; only in the checkpoint: ").append(CharVocab.show(onlyA));
        if (!onlyB.isEmpty()) sb.append("; only in this run's data: ").append(CharVocab.show(onlyB));
        return sb.append(");").toString();
    }

    /** True when tok is exactly the checkpoint's tokenizer (kind, serialised form and token map). */
    public static boolean sameTokenizer(Checkpoint ck, Tokenizer tok) {
        String map = tok instanceof CompactVocab cv ? cv.tokenMap() : null;
        return kindOf(ck).equals(tok.kind()) && ck.requireMeta("vocab").equals(tok.serialize())
                && java.util.Objects.equals(ck.metadata().get("token_map"), map);
    }

    private static String kindOf(Checkpoint ck) { return ck.metadata().getOrDefault("tokenizer", "char"); }

    public static Record modelConfig(Checkpoint ck) {
        String type = ck.requireMeta("model_type");
        try {
            return ModelType.configFromJson(type, ck.requireMeta("model_config"));
        } catch (RuntimeException e) {
            if (e instanceof CheckpointException ce) throw ce;
            throw new CheckpointException("the checkpoint's " + type + " model config cannot be read (" + e.getMessage() + ")",
                    "the file was not written by this version of nanolm; retrain");
        }
    }

    /**
     * Builds the model a checkpoint describes and loads its weights, after checking that its vocabulary parses and
     * has the size the model config says; shapes are checked against the config by loadStateDict.
     */
    public static LanguageModel loadModel(Checkpoint ck) {
        Record cfg = modelConfig(ck);
        int vocabSize = tokenizer(ck).vocabSize();
        try {
            Object n = cfg.getClass().getMethod("vocabSize").invoke(cfg);
            if (n instanceof Integer v && v != vocabSize)
                throw new CheckpointException("the checkpoint's vocabulary has " + vocabSize + " tokens but its model config says " + v,
                        "the file was not written by this version of nanolm, or was edited; retrain");
        } catch (ReflectiveOperationException noSuchField) {
            // a config without a vocabulary size: nothing to compare
        }
        LanguageModel model;
        try {
            model = ModelType.create(ck.requireMeta("model_type"), cfg, new Rng(0));
        } catch (RuntimeException e) {
            throw new CheckpointException("the checkpoint's model config cannot build a model: " + e.getMessage(),
                    "the file was not written by this version of nanolm; retrain");
        }
        try {
            model.loadStateDict(modelTensors(ck));
        } catch (RuntimeException e) {
            throw new CheckpointException("the checkpoint's tensors do not fit its model: " + e.getMessage(),
                    "the file is damaged or from another version; retrain");
        }
        return model;
    }

    public static Tokenizer tokenizer(Checkpoint ck) {
        try {
            return Tokenizers.fromCheckpoint(kindOf(ck), ck.requireMeta("vocab"), ck.metadata().get("token_map"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("the checkpoint's vocabulary cannot be read (" + e.getMessage() + ")",
                    "the file was not written by this version of nanolm; retrain");
        }
    }

    public static void restore(Checkpoint ck, LanguageModel model, Optimizer opt, Rng rng) {
        model.loadStateDict(modelTensors(ck));
        LinkedHashMap<String, Tensor> os = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> { if (k.startsWith(OPTIM)) os.put(k.substring(OPTIM.length()), v); });
        String steps = ck.metadata().get("optim_steps");
        if (opt != null) opt.loadState(os, steps == null ? 0 : Long.parseLong(steps));
        rng.setState(Arrays.stream(ck.requireMeta("rng").split(",")).mapToLong(Long::parseLong).toArray());
    }

    private static LinkedHashMap<String, Tensor> modelTensors(Checkpoint ck) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> { if (!k.startsWith(OPTIM)) m.put(k, v); });
        return m;
    }

    private CheckpointIO() {}
}
