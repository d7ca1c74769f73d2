// What a run writes to samples/ at each evaluation: new items for line data, a continuation of a fixed
// prompt (the start of the val split) for text, always with the same seed so steps can be compared.
package dev.nanolm.train;

import dev.nanolm.config.Settings;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.LmData;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.sample.Sampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import java.util.Set;

public final class RunSamples {

    public static String atEvaluation(LanguageModel model, LmData data, Settings s, Rng rng) {
        CharVocab vocab = data.vocab();
        Sampler sampler = new Sampler(model, CharVocab.BOUNDARY);
        if (data.lineDataset() != null) {
            LineDataset items = data.lineDataset();
            int n = s.integer("eval-samples");
            if (n == 0) return null;
            Set<String> train = items.trainSet();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int[] ids = sampler.item(Math.max(64, 4 * items.maxLength), Sampler.Options.plain(), rng);
                String item = vocab.decodeText(ids, 0, ids.length);
                sb.append(item).append(train.contains(item) ? "  (in train)" : "").append('\n');
            }
            return sb.toString();
        }
        String prompt = data.samplePrompt();
        int n = s.integer("sample-tokens");
        if (prompt == null || prompt.isEmpty() || n == 0) return null;
        int[] ids = sampler.generate(vocab.encode(prompt), n, Sampler.Options.plain(), rng, null, null);
        return prompt + vocab.decodeText(ids, 0, ids.length) + "\n";
    }

    private RunSamples() {}
}
