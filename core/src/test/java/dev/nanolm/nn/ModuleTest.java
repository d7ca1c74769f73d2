// Module bookkeeping: dotted path names, tied weights, state dicts (round trip and strict errors),
// train/eval propagation, parameter counts.
package dev.nanolm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** A leaf with one parameter and one buffer. */
    static final class Leaf extends Module {
        final Tensor w, stat;
        Leaf(int n) {
            w = param("weight", Tensor.zeros(n, 2));
            stat = buffer("stat", Tensor.zeros(n));
        }
        void tie(Tensor t) { param("weight", t); }
    }

    static final class Block extends Module {
        final Leaf a, b;
        final Tensor scale;
        Block() {
            a = add("a", new Leaf(3));
            scale = param("scale", Tensor.zeros(5)); // registered after a child: still listed first (PyTorch order)
            b = add("b", new Leaf(4));
        }
    }

    static final class Net extends Module {
        final Tensor emb;
        final Block[] layers = new Block[2];
        Net() {
            emb = param("emb", Tensor.zeros(7, 2));
            Module list = add("layers", new Module() {});
            for (int i = 0; i < 2; i++) layers[i] = list.add(String.valueOf(i), new Block());
        }
    }

    @Test
    void parameterPathsFollowPyTorchOrder() {
        Net net = new Net();
        List<String> names = net.parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("emb",
                "layers.0.scale", "layers.0.a.weight", "layers.0.b.weight",
                "layers.1.scale", "layers.1.a.weight", "layers.1.b.weight"), names);
        for (Parameter p : net.parameters()) {
            assertTrue(p.value().requiresGrad, p.name());
            assertEquals(p.name(), p.value().name, "tensor names carry the full path");
        }
        assertEquals(14 + 2 * (5 + 6 + 8), net.numParams());
    }

    @Test
    void stateDictHoldsParametersAndBuffers() {
        Net net = new Net();
        LinkedHashMap<String, Tensor> sd = net.stateDict();
        assertEquals(List.of("emb",
                "layers.0.scale", "layers.0.a.weight", "layers.0.a.stat", "layers.0.b.weight", "layers.0.b.stat",
                "layers.1.scale", "layers.1.a.weight", "layers.1.a.stat", "layers.1.b.weight", "layers.1.b.stat"),
                List.copyOf(sd.keySet()));
        assertSame(net.layers[1].b.stat, sd.get("layers.1.b.stat"));
        assertFalse(sd.get("layers.1.b.stat").requiresGrad);
        assertEquals(List.of("layers.0.a.stat", "layers.0.b.stat", "layers.1.a.stat", "layers.1.b.stat"),
                List.copyOf(net.buffers().keySet()));
    }

    @Test
    void stateDictRoundTrip() {
        Net src = new Net();
        float v = 0.5f;
        for (Tensor t : src.stateDict().values()) for (int i = 0; i < t.numel(); i++) t.data[i] = v++;
        Map<String, Tensor> saved = new LinkedHashMap<>();
        src.stateDict().forEach((k, t) -> saved.put(k, t.copy()));

        Net dst = new Net();
        dst.loadStateDict(saved);
        for (Map.Entry<String, Tensor> e : src.stateDict().entrySet())
            assertArrayEquals(e.getValue().data, dst.stateDict().get(e.getKey()).data, e.getKey());
        // values were copied, not aliased
        saved.get("emb").data[0] = -1f;
        assertEquals(0.5f, dst.emb.data[0]);
    }

    @Test
    void loadStateDictRejectsMissingAndUnexpectedKeys() {
        Net net = new Net();
        Map<String, Tensor> sd = new LinkedHashMap<>();
        net.stateDict().forEach((k, t) -> sd.put(k, t.copy()));
        sd.remove("layers.1.a.stat");
        sd.put("layers.9.weight", Tensor.zeros(1));
        sd.get("emb").data[0] = 42f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(sd));
        assertTrue(e.getMessage().contains("layers.1.a.stat"), e.getMessage());
        assertTrue(e.getMessage().contains("layers.9.weight"), e.getMessage());
        assertEquals(0f, net.emb.data[0], "nothing is copied when the check fails");
    }

    @Test
    void loadStateDictRejectsShapeMismatchNamingTheTensor() {
        Net net = new Net();
        Map<String, Tensor> sd = new LinkedHashMap<>();
        net.stateDict().forEach((k, t) -> sd.put(k, t.copy()));
        sd.get("emb").data[0] = 42f;
        sd.put("layers.0.b.weight", Tensor.zeros(2, 4)); // same numel, wrong shape
        ShapeException e = assertThrows(ShapeException.class, () -> net.loadStateDict(sd));
        assertTrue(e.getMessage().contains("layers.0.b.weight"), e.getMessage());
        assertEquals(0f, net.emb.data[0], "nothing is copied when the check fails");
    }

    @Test
    void tiedParametersAreListedOnceButSavedUnderBothPaths() {
        final class Tied extends Module {
            final Leaf in, out;
            Tied() {
                in = add("in", new Leaf(3));
                out = add("out", new Leaf(3));
                out.tie(in.w);
            }
        }
        Tied m = new Tied();
        List<Parameter> ps = m.parameters();
        assertEquals(1, ps.size());
        assertEquals("in.weight", ps.get(0).name());
        assertEquals(6, m.numParams());
        assertSame(m.stateDict().get("in.weight"), m.stateDict().get("out.weight"));
        assertEquals("in.weight", m.in.w.name, "a tied tensor keeps the name of its first path");
    }

    @Test
    void trainModeIsRecursiveAndInheritedByNewChildren() {
        Net net = new Net();
        assertTrue(net.layers[0].a.training());
        net.eval();
        assertFalse(net.training());
        assertFalse(net.layers[1].b.training());
        net.train(true);
        assertTrue(net.layers[1].b.training());
    }

    @Test
    void zeroGradClearsParameterGradients() {
        Net net = new Net();
        net.layers[0].a.w.grad()[3] = 2f;
        net.emb.grad()[0] = 1f;
        net.zeroGrad();
        assertEquals(0f, net.layers[0].a.w.grad()[3]);
        assertEquals(0f, net.emb.grad()[0]);
    }

    @Test
    void rejectsBadOrDuplicateNames() {
        assertThrows(IllegalArgumentException.class, () -> new Module() {{ param("a.b", Tensor.zeros(1)); }});
        assertThrows(IllegalArgumentException.class, () -> new Module() {{ param("", Tensor.zeros(1)); }});
        assertThrows(IllegalArgumentException.class, () -> new Module() {{
            param("x", Tensor.zeros(1));
            buffer("x", Tensor.zeros(1));
        }});
        assertThrows(IllegalArgumentException.class, () -> new Module() {{
            buffer("x", Tensor.zeros(1));
            add("x", new Leaf(1));
        }});
    }
}
