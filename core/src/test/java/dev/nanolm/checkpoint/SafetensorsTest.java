// Safetensors format: round trips, byte-exact layout against a file built by hand from the spec, and rejection
// of malformed files.
package dev.nanolm.checkpoint;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTest {
    @TempDir Path dir;

    static Tensor random(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) rng.nextGaussian();
        return t;
    }

    private static byte[] bytes(Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(out, tensors, meta);
        return out.toByteArray();
    }

    /** The 8-byte little-endian length prefix, JSON, spaces, then data: exactly as the format defines it. */
    private static byte[] handMade(String json, float... data) {
        int padded = (json.length() + 7) / 8 * 8;
        byte[] out = new byte[8 + padded + 4 * data.length];
        for (int i = 0; i < 8; i++) out[i] = (byte) ((long) padded >>> (8 * i));
        byte[] j = json.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(j, 0, out, 8, j.length);
        for (int i = 8 + j.length; i < 8 + padded; i++) out[i] = ' ';
        int p = 8 + padded;
        for (float f : data) {
            int bits = Float.floatToRawIntBits(f);
            for (int b = 0; b < 4; b++) out[p++] = (byte) (bits >>> (8 * b));
        }
        return out;
    }

    @Test
    void roundTripKeepsShapesNamesOrderValuesAndMetadata() throws IOException {
        Rng rng = new Rng(42);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("transformer.wte.weight", random(rng, 7, 5));
        t.put("scalar", Tensor.scalar(3.25f));
        t.put("bias", random(rng, 5));
        t.put("empty", Tensor.zeros(2, 0, 3));
        t.put("cube", random(rng, 3, 4, 2));
        t.put("special", Tensor.of(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE}, 4));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "{\"type\":\"gpt\",\"n_layer\":2}");
        meta.put("tokenizer", "char:ÆØÅ→\"\\");
        Path f = dir.resolve("rt.safetensors");
        Files.write(f, bytes(t, meta));

        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
        for (var e : t.entrySet()) {
            Tensor got = c.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape, got.shape, e.getKey());
            assertArrayEquals(e.getValue().data, got.data, 0f, e.getKey());
            assertEquals(e.getKey(), got.name);
        }
        assertEquals(0, c.tensors().get("scalar").rank());
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(c.tensors().get("special").data[2]));
        assertEquals(meta, c.metadata());
        assertEquals(Safetensors.dataSha256(t), c.dataSha256());
    }

    @Test
    void writerMatchesAFileBuiltByHandFromTheSpec() throws IOException {
        String json = "{\"__metadata__\":{\"note\":\"hi\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[16,20]}}";
        assertNotEquals(0, json.length() % 8, "the example must need padding");
        byte[] expected = handMade(json, 1f, 2f, 3f, 4f, -0.5f);

        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        t.put("s", Tensor.scalar(-0.5f));
        byte[] written = bytes(t, Map.of("note", "hi"));
        assertArrayEquals(expected, written);

        long n = 0;
        for (int i = 0; i < 8; i++) n |= (written[i] & 0xFFL) << (8 * i);
        assertEquals(0, n % 8, "header length is a multiple of 8");
        assertEquals(json.length() + (8 - json.length() % 8), n);
        for (int i = 8 + json.length(); i < 8 + n; i++) assertEquals(' ', written[i], "padding is spaces");
    }

    @Test
    void readsAHandMadeFileWithoutMetadataAndEntriesOutOfOffsetOrder() throws IOException {
        // Python's writer orders the data by dtype and name; JSON order need not follow offsets.
        String json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}}";
        Path f = dir.resolve("hand.safetensors");
        Files.write(f, handMade(json, 10f, 20f, 30f));
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(List.of("b", "a"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {30f}, c.tensors().get("b").data);
        assertArrayEquals(new float[] {10f, 20f}, c.tensors().get("a").data);
        assertArrayEquals(new int[] {2, 1}, c.tensors().get("a").shape);
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void largeTensorsCrossReadChunks() throws IOException {
        Rng rng = new Rng(7);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("big", random(rng, 300_001)); // > 1 MiB of data, not a multiple of the chunk
        t.put("small", random(rng, 3));
        Path f = dir.resolve("big.safetensors");
        Files.write(f, bytes(t, Map.of()));
        Safetensors.Contents c = Safetensors.read(f);
        assertArrayEquals(t.get("big").data, c.tensors().get("big").data);
        assertArrayEquals(t.get("small").data, c.tensors().get("small").data);
    }

    private void assertRejected(String json, float... data) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, handMade(json, data));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f), json);
        assertNotNull(e.hint());
    }

    @Test
    void rejectsMalformedHeaders() throws IOException {
        assertRejected("[1,2]");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 1f, 2f); // unterminated
        assertRejected("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 1f);
        assertRejected("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 1f);
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 1f);
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 1f);
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 1f); // size mismatch
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 1f, 2f); // gap at start
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 1f, 2f); // trailing data
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 1f, 2f); // overlap
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 1f, 2f); // duplicate name
        assertRejected("{\"__metadata__\":{\"k\":1}}");
        assertRejected("{} x");
    }

    @Test
    void rejectsImpossibleHeaderLengthsAndShortFiles() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        byte[] huge = handMade("{}");
        huge[7] = 0x01; // 2^56 + 8
        Files.write(f, huge);
        assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        byte[] negative = handMade("{}");
        negative[7] = (byte) 0x80;
        Files.write(f, negative);
        assertThrows(CheckpointException.class, () -> Safetensors.read(f));
    }

    @Test
    void rejectsReservedOrEmptyTensorNamesOnWrite() {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put(Safetensors.METADATA_KEY, Tensor.scalar(1));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.header(t, Map.of()));
        LinkedHashMap<String, Tensor> u = new LinkedHashMap<>();
        u.put("", Tensor.scalar(1));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.header(u, Map.of()));
    }
}
