// Opens a run directory's best or last checkpoint for the commands that read runs (sample, eval, compare),
// with the same checks and messages everywhere.
package dev.nanolm.cli;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.classify.ClassifierCheckpoint;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tokenizer;
import dev.nanolm.tokenize.Tokenizers;
import dev.nanolm.train.CheckpointIO;
import dev.nanolm.train.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

record RunCheckpoint(RunDir run, Checkpoint checkpoint, LanguageModel model, Tokenizer tokenizer) {
    static RunCheckpoint open(Path dir, String which) {
        if (!which.equals("best") && !which.equals("last"))
            throw new ConfigException("--checkpoint must be best or last, got " + which, "use --checkpoint best");
        RunDir rd = new RunDir(dir);
        if (!Files.isDirectory(dir)) throw new DataException("no run directory at " + dir, "pass the --out folder of a `nanolm train` run");
        Path ckPath = which.equals("best") ? rd.bestCheckpoint() : rd.lastCheckpoint();
        if (!Files.exists(ckPath))
            throw new DataException("no checkpoint at " + ckPath, which.equals("best") ? "train first, or pass --checkpoint last" : "train first");
        Checkpoint ck = Checkpoint.load(ckPath);
        if (ClassifierCheckpoint.TYPE.equals(ck.metadata().get("model_type")))
            throw new DataException(dir + " is a text-classifier run (`classify train`), not a language model",
                    "use `nanolm classify eval --run " + dir + "` for a classifier");
        return new RunCheckpoint(rd, ck, CheckpointIO.loadModel(ck), CheckpointIO.tokenizer(ck));
    }

    /**
     * A --tokenizer given to a command that reads a run: the run's own tokenizer is used, so any other spec is an
     * error (char and word match any vocabulary of their kind; bpe:<file> must hold the run's merges).
     */
    void checkTokenizer(String spec) {
        if (spec == null) return;
        Tokenizers.check(spec);
        Tokenizer saved = tokenizer instanceof CompactVocab cv ? cv.inner() : tokenizer;
        String kind = spec.startsWith("bpe:") ? "bpe" : spec;
        boolean same = kind.equals(saved.kind()) && (!kind.equals("bpe") || Tokenizers.loadBpe(Path.of(spec.substring(4))).serialize().equals(saved.serialize()));
        if (!same)
            throw new ConfigException("--tokenizer " + spec + " is not the run's tokenizer, " + tokenizer.name()
                    + (kind.equals(saved.kind()) ? " (other merges)" : ""),
                    "leave --tokenizer out: the run's own tokenizer is used");
    }

    /**
     * The run's dataset, loaded with the settings in its config.json and encoded with the checkpoint's tokenizer;
     * refused when the data no longer gives the checkpoint's vocabulary.
     */
    LoadedData data() {
        @SuppressWarnings("unchecked")
        Map<String, String> saved = (Map<String, String>) run.readJson(run.config()).get("settings");
        if (saved == null) throw new DataException(run.config() + " has no settings", "is " + run.dir + " a `nanolm train` run directory?");
        LoadedData ld = LoadedData.load(Settings.fromMap(saved), tokenizer, run.dir);
        if (!CheckpointIO.sameTokenizer(checkpoint, ld.data().tokenizer()))
            throw new DataException("the run's dataset no longer gives the checkpoint's vocabulary", "evaluate with the data the run was trained on");
        return ld;
    }
}
