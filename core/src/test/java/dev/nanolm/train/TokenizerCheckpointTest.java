// Tokenizers in checkpoints: a char checkpoint in the format written before tokenizers existed still loads; bpe and
// compacted tiktoken vocabularies come back exactly; a run on another tokenizer is refused at resume.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.checkpoint.CheckpointException;
import dev.nanolm.config.Settings;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.ModelType;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.BpeTrainer;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tiktoken;
import dev.nanolm.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCheckpointTest {
    static final String TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n";

    static LanguageModel gpt(int vocab) {
        Settings s = Settings.defaults().set("model", "gpt").set("n-layer", "1").set("n-head", "2").set("n-embd", "8").set("block-size", "8");
        return ModelType.create("gpt", ModelType.config(s, vocab), new Rng(1));
    }

    @Test
    void charCheckpointInTheOldFormatStillLoads(@TempDir Path dir) {
        // exactly the metadata the code before tokenizers wrote: "tokenizer" = char, "vocab" = "plain:" + characters
        CharVocab v = CharVocab.fromText(TEXT, false);
        LanguageModel m = gpt(v.size());
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("model_type", m.type());
        meta.put("model_config", Json.compact(m.config()));
        meta.put("tokenizer", "char");
        StringBuilder chars = new StringBuilder();
        TEXT.codePoints().sorted().distinct().forEach(chars::appendCodePoint);
        meta.put("vocab", "plain:" + chars);
        meta.put("rng", "1,2,3,4");
        meta.put("step", "10");
        Path f = dir.resolve("old.safetensors");
        new Checkpoint(new LinkedHashMap<>(m.stateDict()), meta).save(f);

        Checkpoint ck = Checkpoint.load(f);
        Tokenizer t = CheckpointIO.tokenizer(ck);
        assertEquals(v, t);
        assertTrue(CheckpointIO.sameTokenizer(ck, v));
        assertEquals(v.size(), CheckpointIO.loadModel(ck).vocabSize());
        assertEquals(TEXT, t.decode(t.encode(TEXT)));
        // and what this version writes for char is the same metadata
        Checkpoint now = CheckpointIO.capture(m, null, new Rng(1), v, java.util.Map.of());
        assertEquals(meta.get("vocab"), now.requireMeta("vocab"));
        assertEquals("char", now.requireMeta("tokenizer"));
        assertFalse(now.metadata().containsKey("token_map"));
    }

    @Test
    void bpeAndCompactTiktokenComeBackExactly(@TempDir Path dir) {
        Tokenizer bpe = BpeTrainer.train(TEXT.repeat(3), 270, List.of("<|endoftext|>"));
        Tiktoken cl = new Tiktoken("cl100k_base");
        CompactVocab cv = CompactVocab.of(cl, cl.encode(TEXT));
        for (Tokenizer tok : List.of(bpe, cv)) {
            LanguageModel m = gpt(tok.vocabSize());
            Path f = dir.resolve(tok.kind().replace(':', '-') + ".safetensors");
            LinkedHashMap<String, String> extra = new LinkedHashMap<>();
            extra.put("step", "1");
            CheckpointIO.capture(m, null, new Rng(1), tok, extra).save(f);
            Checkpoint ck = Checkpoint.load(f);
            Tokenizer back = CheckpointIO.tokenizer(ck);
            assertEquals(tok.vocabSize(), back.vocabSize());
            assertArrayEquals(tok.encode(TEXT), back.encode(TEXT));
            assertEquals(TEXT, back.decode(back.encode(TEXT)));
            assertTrue(CheckpointIO.sameTokenizer(ck, tok));
            assertEquals(tok.vocabSize(), CheckpointIO.loadModel(ck).vocabSize());
        }
    }

    @Test
    void anotherTokenizerIsRefusedAtResume() {
        Tiktoken cl = new Tiktoken("cl100k_base");
        CompactVocab cv = CompactVocab.of(cl, cl.encode(TEXT));
        LanguageModel m = gpt(cv.vocabSize());
        Checkpoint ck = CheckpointIO.capture(m, null, new Rng(1), cv, java.util.Map.of());
        CompactVocab other = CompactVocab.of(cl, cl.encode(TEXT + " more"));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointIO.checkCompatible(ck, m.type(), m.config(), other, null));
        assertTrue(e.getMessage().contains("tokenizer tiktoken:cl100k_base compact"), e.getMessage());
    }
}
