// Resolves a --data name or path through the catalog, reads it (checked UTF-8) and builds the dataset.
package dev.nanolm.cli;

import dev.nanolm.data.Catalog;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.TextFiles;
import dev.nanolm.train.LineTrainer.DatasetRef;
import java.nio.file.Path;

record LoadedData(LineDataset dataset, DatasetRef ref) {
    static LoadedData lines(String nameOrPath, long splitSeed) {
        Path path = new Catalog().onProgress(msg -> System.err.println("nanolm: " + msg)).resolve(nameOrPath);
        String text = TextFiles.readUtf8(path);
        LineDataset ds = LineDataset.fromText(text, splitSeed, path.toString());
        return new LoadedData(ds, new DatasetRef(nameOrPath, path.toAbsolutePath().toString(), Catalog.sha256(path)));
    }
}
