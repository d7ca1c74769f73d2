// Classifier checkpoints: weights (and Adam moments) in the verified safetensors format, with the model config,
// vocabulary and class names in the metadata, so a run directory alone is enough for `eval` and `predict`.
package dev.nanolm.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.checkpoint.CheckpointException;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.tokenize.WordVocab;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class ClassifierCheckpoint {
    public static final String TYPE = "text-classifier";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a loaded checkpoint gives back: the model (eval mode), its vocabulary and classes, and the metadata. */
    public record Loaded(TextClassifier model, WordVocab vocab, List<String> classes, Map<String, String> meta) {}

    public static void save(Path file, TextClassifier model, Optimizer opt, WordVocab vocab, List<String> classes,
                            Map<String, String> extra) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        if (opt != null) {
            opt.state().forEach((k, v) -> tensors.put(Checkpoint.OPTIM_PREFIX + k, v));
            meta.put("optim_steps", Long.toString(opt.stepCount()));
        }
        try {
            meta.put("model_type", TYPE);
            meta.put("model_config", JSON.writeValueAsString(model.cfg));
            meta.put("tokenizer", "words");
            meta.put("vocab", vocab.toJson());
            meta.put("classes", JSON.writeValueAsString(classes));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        meta.putAll(extra);
        new Checkpoint(tensors, meta).save(file);
    }

    /** Loads and verifies (checksums by Checkpoint.load; type, config, vocabulary and shapes here). */
    public static Loaded load(Path file) { return of(Checkpoint.load(file), file); }

    private static Loaded of(Checkpoint ck, Path file) {
        String type = ck.requireMeta("model_type");
        if (!type.equals(TYPE))
            throw new CheckpointException(file + " holds a " + type + " model, not a text classifier",
                    "pass the run directory of `nanolm classify train`");
        ClassifierConfig cfg;
        WordVocab vocab;
        List<String> classes;
        try {
            cfg = JSON.readValue(ck.requireMeta("model_config"), ClassifierConfig.class);
            vocab = WordVocab.fromJson(ck.requireMeta("vocab"));
            classes = Arrays.asList(JSON.readValue(ck.requireMeta("classes"), String[].class));
        } catch (Exception e) {
            if (e instanceof CheckpointException ce) throw ce;
            throw new CheckpointException("the checkpoint's classifier config, vocabulary or classes cannot be read (" + e.getMessage() + ")",
                    "it was not written by this version of nanolm; retrain");
        }
        if (vocab.size() != cfg.vocabSize() || classes.size() != cfg.numClasses())
            throw new CheckpointException("the checkpoint's vocabulary (" + vocab.size() + ") or classes (" + classes.size()
                    + ") do not match its model config", "the file was edited or damaged; retrain");
        TextClassifier model = TextClassifier.create(cfg, new Rng(0));
        LinkedHashMap<String, Tensor> state = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> { if (!k.startsWith(Checkpoint.OPTIM_PREFIX)) state.put(k, v); });
        try {
            model.loadStateDict(state);
        } catch (RuntimeException e) {
            throw new CheckpointException("the checkpoint's tensors do not fit its model: " + e.getMessage(),
                    "the file is damaged or from another version; retrain");
        }
        model.eval();
        return new Loaded(model, vocab, List.copyOf(classes), ck.metadata());
    }

    /**
     * For --resume: loads file into model and opt (weights, Adam moments and step count) after checking that it holds
     * the same network, vocabulary and classes as this run (the same data and settings); returns its metadata.
     */
    static Map<String, String> restore(Path file, TextClassifier model, Optimizer opt, WordVocab vocab, List<String> classes) {
        Checkpoint raw = Checkpoint.load(file);
        Loaded ck = of(raw, file);
        if (!ck.model().cfg.equals(model.cfg) || !ck.vocab().equals(vocab) || !ck.classes().equals(classes))
            throw new CheckpointException(file + " was trained with another network, vocabulary or classes than these settings and data give"
                    + " (checkpoint: " + ck.model().cfg + ", " + ck.vocab().size() + " words, classes " + ck.classes() + ")",
                    "resume with the run's own settings and data (omit --preset and --data), or start a new run");
        model.loadStateDict(ck.model().stateDict());
        LinkedHashMap<String, Tensor> os = new LinkedHashMap<>();
        raw.tensors().forEach((k, v) -> { if (k.startsWith(Checkpoint.OPTIM_PREFIX)) os.put(k.substring(Checkpoint.OPTIM_PREFIX.length()), v); });
        String steps = ck.meta().get("optim_steps");
        if (steps == null) throw new CheckpointException(file + " has no optimizer step count", "it predates resumable classifier runs; start a new run");
        try {
            opt.loadState(os, Long.parseLong(steps));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("the checkpoint's optimizer state does not fit: " + e.getMessage(), "start a new run without --resume");
        }
        return ck.meta();
    }

    private ClassifierCheckpoint() {}
}
