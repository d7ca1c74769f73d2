// Checkpoints: save/load round trip, and every kind of damage (truncation, flipped bytes, wrong version or
// dtype) ends in a CheckpointException with a hint, never in a partly loaded object.
package dev.nanolm.checkpoint;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @TempDir Path dir;

    private static Checkpoint sample() {
        Rng rng = new Rng(3);
        Checkpoint c = new Checkpoint();
        c.put("transformer.wte.weight", SafetensorsTest.random(rng, 6, 4));
        c.put("transformer.ln_f.bias", SafetensorsTest.random(rng, 4));
        c.put("step_scale", Tensor.scalar(0.5f));
        c.put(Checkpoint.optimKey("m", "transformer.wte.weight"), SafetensorsTest.random(rng, 6, 4));
        c.put(Checkpoint.optimKey("v", "transformer.wte.weight"), SafetensorsTest.random(rng, 6, 4));
        c.putMeta("model", "gpt").putMeta("vocab", "abc").putMeta("step", "120");
        return c;
    }

    private Path saved() {
        Path f = dir.resolve("checkpoints/last.safetensors");
        sample().save(f);
        return f;
    }

    private static CheckpointException rejected(Path f) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(f));
        assertNotNull(e.hint());
        assertFalse(e.hint().isBlank());
        return e;
    }

    @Test
    void saveLoadRoundTrip() {
        Checkpoint original = sample();
        Path f = dir.resolve("a.safetensors");
        original.save(f);
        Checkpoint c = Checkpoint.load(f);
        assertEquals(List.copyOf(original.tensors().keySet()), List.copyOf(c.tensors().keySet()));
        for (var e : original.tensors().entrySet()) {
            assertArrayEquals(e.getValue().data, c.tensor(e.getKey()).data, 0f);
            assertArrayEquals(e.getValue().shape, c.tensor(e.getKey()).shape);
        }
        assertEquals("gpt", c.requireMeta("model"));
        assertEquals("120", c.requireMeta("step"));
        assertEquals(Checkpoint.FORMAT, c.requireMeta(Checkpoint.KEY_FORMAT));
        assertEquals(Checkpoint.FORMAT_VERSION, c.requireMeta(Checkpoint.KEY_FORMAT_VERSION));
        assertEquals(Safetensors.dataSha256(original.tensors()), c.requireMeta(Checkpoint.KEY_TENSORS_SHA256));
        assertEquals(List.of("transformer.wte.weight", "transformer.ln_f.bias", "step_scale"),
                List.copyOf(c.modelTensors().keySet()));
        assertEquals(f, c.source());
        // saving does not add the bookkeeping keys to the caller's own map
        assertFalse(original.metadata().containsKey(Checkpoint.KEY_TENSORS_SHA256));
    }

    @Test
    void resavingALoadedCheckpointGivesAValidFile() {
        Path f = saved();
        Checkpoint c = Checkpoint.load(f);
        c.tensor("step_scale").data[0] = 2f;
        Path g = dir.resolve("b.safetensors");
        c.save(g); // stale checksums in the loaded metadata must be replaced, not kept
        assertEquals(2f, Checkpoint.load(g).tensor("step_scale").item());
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        byte[] full = Files.readAllBytes(saved());
        Path f = dir.resolve("t.safetensors");
        for (int len : new int[] {0, 5, 8, 9, 40, full.length / 2, full.length - 4, full.length - 1}) {
            Files.write(f, Arrays.copyOf(full, len));
            rejected(f);
        }
        assertTrue(rejected(dir.resolve("missing.safetensors")).getMessage().contains("missing.safetensors"));
    }

    @Test
    void flippedDataByteFailsTheChecksum() throws IOException {
        Path f = saved();
        byte[] b = Files.readAllBytes(f);
        b[b.length - 7] ^= 0x10;
        Files.write(f, b);
        CheckpointException e = rejected(f);
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(e.hint().contains("best.safetensors"), e.hint());
    }

    @Test
    void everyFlippedHeaderByteIsRejected() throws IOException {
        Path f = saved();
        byte[] good = Files.readAllBytes(f);
        long n = 0;
        for (int i = 0; i < 8; i++) n |= (good[i] & 0xFFL) << (8 * i);
        Path g = dir.resolve("flip.safetensors");
        // A one-bit change anywhere in the length prefix or header: a name, a digit of a shape or offset,
        // a metadata value, the padding. Each must be caught by the parser, the layout checks or header_sha256.
        for (int i = 0; i < 8 + n; i++) {
            byte[] b = good.clone();
            b[i] ^= 0x01;
            Files.write(g, b);
            int at = i;
            assertThrows(CheckpointException.class, () -> Checkpoint.load(g), () -> "flip at byte " + at);
        }
    }

    @Test
    void alteredTensorNameIsCaught() throws IOException {
        Path f = saved();
        String s = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.writeString(f, s.replace("ln_f.bias", "ln_f.biaz"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(rejected(f).getMessage().contains("header"));
    }

    private Path writeRaw(LinkedHashMap<String, String> meta) throws IOException {
        Path f = dir.resolve("raw.safetensors");
        Checkpoint c = sample();
        try (OutputStream out = Files.newOutputStream(f)) {
            Safetensors.write(out, c.tensors(), meta);
        }
        return f;
    }

    @Test
    void newerFormatVersionIsRefusedWithUpgradeHint() throws IOException {
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put(Checkpoint.KEY_FORMAT, Checkpoint.FORMAT);
        meta.put(Checkpoint.KEY_FORMAT_VERSION, "2");
        CheckpointException e = rejected(writeRaw(meta));
        assertTrue(e.getMessage().contains("'2'"), e.getMessage());
        assertTrue(e.hint().contains("newer"), e.hint());
        meta.put(Checkpoint.KEY_FORMAT_VERSION, "one");
        rejected(writeRaw(meta));
    }

    @Test
    void foreignSafetensorsFileIsRefused() throws IOException {
        CheckpointException e = rejected(writeRaw(new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains("not a nanolm checkpoint"), e.getMessage());
    }

    @Test
    void otherDtypeIsRefused() throws IOException {
        Path f = saved();
        String s = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(s.contains("\"F32\""));
        // F32 -> I32 keeps every length and offset, so only the dtype check can catch it
        Files.writeString(f, s.replaceFirst("\"F32\"", "\"I32\""), java.nio.charset.StandardCharsets.ISO_8859_1);
        CheckpointException e = rejected(f);
        assertTrue(e.getMessage().contains("I32"), e.getMessage());
    }

    @Test
    void expectMetaNamesBothValues() {
        Checkpoint c = Checkpoint.load(saved());
        c.expectMeta("model", "gpt");
        CheckpointException e = assertThrows(CheckpointException.class, () -> c.expectMeta("model", "lstm"));
        assertTrue(e.getMessage().contains("'gpt'") && e.getMessage().contains("'lstm'"), e.getMessage());
        CheckpointException missing = assertThrows(CheckpointException.class, () -> c.requireMeta("tokenizer"));
        assertTrue(missing.getMessage().contains("tokenizer"));
        assertThrows(CheckpointException.class, () -> c.tensor("lm_head.weight"));
    }

    @Test
    void failedSaveKeepsThePreviousCheckpoint() throws IOException {
        Path f = saved();
        byte[] before = Files.readAllBytes(f);
        Checkpoint c = new Checkpoint(new LinkedHashMap<>(Map.of("x", Tensor.scalar(1))), new LinkedHashMap<>());
        Files.createDirectories(dir.resolve("blocker"));
        // the target is a non-empty directory: the rename fails after the temp file was fully written
        Files.writeString(dir.resolve("blocker/inside"), "x");
        assertThrows(CheckpointException.class, () -> c.save(dir.resolve("blocker")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("blocker", "checkpoints"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertArrayEquals(before, Files.readAllBytes(f));
    }
}
