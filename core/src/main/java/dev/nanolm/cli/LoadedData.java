// Resolves --data (catalog name or path), reads it as checked UTF-8 and builds the training data in the
// format the model needs: lines (makemore items) or text (one corpus, nanoGPT).
package dev.nanolm.cli;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.Catalog;
import dev.nanolm.data.LineData;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.LmData;
import dev.nanolm.data.TextCorpus;
import dev.nanolm.data.TextFiles;
import dev.nanolm.models.ModelConfig;
import dev.nanolm.models.ModelType;
import dev.nanolm.train.Trainer.DatasetRef;
import java.nio.file.Path;

record LoadedData(LmData data, DatasetRef ref) {

    static LoadedData load(Settings s) {
        String format = format(s);
        Path path = new Catalog().onProgress(msg -> System.err.println("nanolm: " + msg)).resolve(s.str("data"));
        String text = TextFiles.readUtf8(path);
        int T = s.integer("block-size");
        LmData data = format.equals("lines")
                ? new LineData(LineDataset.fromText(text, s.longValue("split-seed"), path.toString()), T)
                : new TextCorpus(text, T, path.toString());
        return new LoadedData(data, new DatasetRef(s.str("data"), path.toAbsolutePath().toString(), Catalog.sha256(path)));
    }

    /** lines for window models, text for sequence models, unless --data-format says otherwise. */
    static String format(Settings s) {
        String f = s.str("data-format");
        if (f.equals("auto")) return ModelType.kind(s.str("model")).configClass() == ModelConfig.class ? "lines" : "text";
        if (!f.equals("lines") && !f.equals("text"))
            throw new ConfigException("--data-format must be lines, text or auto, got '" + f + "'", "use --data-format auto");
        return f;
    }
}
