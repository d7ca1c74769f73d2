// What a run writes to samples/ at step 0 and each evaluation: new items for line data, a continuation of a fixed
// prompt (--sample-prompt, default the start of the val split) for text, always with the same seed so steps can be
// compared; and once, samples/prompt.txt and samples/truth.txt: the prompt and what really follows it in the val
// text (for the report).
package dev.nanolm.train;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.LmData;
import dev.nanolm.data.TextCorpus;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.sample.Sampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.Tokenizer;
import java.util.Set;

public final class RunSamples {

    public static String atEvaluation(LanguageModel model, LmData data, Settings s, Rng rng) {
        Tokenizer vocab = data.tokenizer();
        Sampler sampler = new Sampler(model, CharVocab.BOUNDARY);
        if (data.lineDataset() != null) {
            LineDataset items = data.lineDataset();
            int n = s.integer("eval-samples");
            if (n == 0) return null;
            Set<String> train = items.trainSet();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int[] ids = sampler.item(Math.max(64, 4 * items.maxLength), Sampler.Options.plain(), rng);
                String item = vocab.decode(ids);
                sb.append(item).append(train.contains(item) ? "  (in train)" : "").append('\n');
            }
            return sb.toString();
        }
        String prompt = prompt(data, s);
        int n = s.integer("sample-tokens");
        if (prompt == null || prompt.isEmpty() || n == 0) return null;
        int[] promptIds = data instanceof TextCorpus c && s.str("sample-prompt").isEmpty() ? c.samplePromptIds() : vocab.encode(prompt);
        int[] ids = sampler.generate(promptIds, n, Sampler.Options.plain(), rng, null, null);
        return prompt + vocab.decode(ids) + "\n";
    }

    /**
     * The prompt text samples continue: --sample-prompt, or the data's own (the first 30 characters of the val split);
     * null for line data. A prompt with characters outside the vocabulary is a ConfigException (checked before training).
     */
    public static String prompt(LmData data, Settings s) {
        if (data.lineDataset() != null) return null;
        String p = s.str("sample-prompt");
        if (p.isEmpty()) return data.samplePrompt();
        try {
            data.tokenizer().encode(p);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--sample-prompt '" + p + "' has " + e.getMessage(), "use text that occurs in the training text");
        }
        return p;
    }

    /**
     * The prompt followed by what comes after its first occurrence in the val text (else the train text), as long as a
     * sample's continuation; null when there is no prompt or the text never contains it.
     */
    public static String truth(LmData data, Settings s) {
        String prompt = prompt(data, s);
        int n = s.integer("sample-tokens");
        if (prompt == null || prompt.isEmpty() || n == 0 || !(data instanceof TextCorpus c)) return null;
        for (int[] ids : new int[][] {c.valTokens(), c.trainTokens()}) {
            String text = data.tokenizer().decode(ids);
            int at = text.indexOf(prompt);
            if (at < 0) continue;
            int from = at + prompt.length();
            int end = text.offsetByCodePoints(from, Math.min(n, text.codePointCount(from, text.length())));
            return prompt + text.substring(from, end) + "\n";
        }
        return null;
    }

    private RunSamples() {}
}
