// Model-aware checkpoint contents: model state by path name, optimizer moments under "optim.", and the
// metadata that lets a reader rebuild the model (config, vocabulary) and a resumed run continue exactly (RNG, step).
package dev.nanolm.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.checkpoint.CheckpointException;
import dev.nanolm.models.ModelConfig;
import dev.nanolm.models.ModelType;
import dev.nanolm.models.WindowModel;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.tokenize.CharVocab;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

public final class CheckpointIO {
    static final String OPTIM = "optim.";

    public static Checkpoint capture(WindowModel model, Optimizer opt, Rng rng, CharVocab vocab, Map<String, String> extra) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
        if (opt != null) opt.state().forEach((k, v) -> tensors.put(OPTIM + k, v));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("model_type", model.config.type());
        meta.put("model_config", LineTrainer.json(model.config));
        meta.put("tokenizer", "char");
        meta.put("vocab", vocab.serialize());
        meta.put("rng", Arrays.stream(rng.state()).mapToObj(Long::toString).collect(Collectors.joining(",")));
        if (opt != null) meta.put("optim_steps", Long.toString(opt.stepCount()));
        meta.putAll(extra);
        return new Checkpoint(tensors, meta);
    }

    /** Refuses a checkpoint whose model, vocabulary or dataset differ from this run's, listing the differences. */
    public static void checkCompatible(Checkpoint ck, ModelConfig cfg, CharVocab vocab, String datasetSha) {
        StringBuilder diffs = new StringBuilder();
        ModelConfig saved = modelConfig(ck);
        if (!saved.equals(cfg)) diffs.append(" model ").append(saved).append(" vs ").append(cfg).append(';');
        if (!ck.requireMeta("vocab").equals(vocab.serialize())) diffs.append(" vocabulary differs;");
        String sha = ck.metadata().get("dataset_sha256");
        if (sha != null && datasetSha != null && !sha.equals(datasetSha)) diffs.append(" dataset SHA-256 ").append(sha, 0, 12).append("… vs ").append(datasetSha, 0, 12).append("…;");
        if (diffs.length() > 0)
            throw new CheckpointException("the checkpoint does not match this run's settings:" + diffs,
                    "resume with the settings the run was started with (see its config.json), or start a new run in another --out folder");
    }

    public static ModelConfig modelConfig(Checkpoint ck) {
        try {
            return RunDir.JSON.readValue(ck.requireMeta("model_config"), ModelConfig.class);
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof CheckpointException ce) throw ce;
            throw new CheckpointException("the checkpoint's model config cannot be read (" + e.getMessage() + ")",
                    "the file was not written by this version of nanolm; retrain");
        }
    }

    /** Builds the model a checkpoint describes and loads its weights. */
    public static WindowModel loadModel(Checkpoint ck) {
        ModelConfig cfg = modelConfig(ck);
        WindowModel model = ModelType.create(cfg, new Rng(0));
        model.loadStateDict(modelTensors(ck));
        return model;
    }

    public static CharVocab vocab(Checkpoint ck) { return CharVocab.parse(ck.requireMeta("vocab")); }

    public static void restore(Checkpoint ck, WindowModel model, Optimizer opt, Rng rng) {
        model.loadStateDict(modelTensors(ck));
        LinkedHashMap<String, Tensor> os = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> { if (k.startsWith(OPTIM)) os.put(k.substring(OPTIM.length()), v); });
        String steps = ck.metadata().get("optim_steps");
        opt.loadState(os, steps == null ? 0 : Long.parseLong(steps));
        rng.setState(Arrays.stream(ck.requireMeta("rng").split(",")).mapToLong(Long::parseLong).toArray());
    }

    private static LinkedHashMap<String, Tensor> modelTensors(Checkpoint ck) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        ck.tensors().forEach((k, v) -> { if (!k.startsWith(OPTIM)) m.put(k, v); });
        return m;
    }

    private CheckpointIO() {}
}
