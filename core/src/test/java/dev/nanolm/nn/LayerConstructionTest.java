// Layer construction: default initialisation (PyTorch's), parameter names and shapes in nested stacks,
// buffers, weight tying, argument checks. Forward and gradients are in LayerGradTest.
package dev.nanolm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerConstructionTest {

    @Test
    void linearInitIsUniformWithinOneOverSqrtFanIn() {
        Linear l = new Linear(301, 203, new Rng(5));
        double bound = 1 / Math.sqrt(301);
        assertArrayEquals(new int[] {203, 301}, l.weight().shape);
        assertArrayEquals(new int[] {203}, l.bias().shape);
        for (Tensor t : List.of(l.weight(), l.bias())) {
            float max = 0;
            for (float x : t.data) max = Math.max(max, Math.abs(x));
            assertTrue(max <= bound, t.name + " max " + max + " > " + bound);
        }
        float max = 0;
        for (float x : l.weight().data) max = Math.max(max, Math.abs(x));
        assertTrue(max > 0.99 * bound, "weights fill the range");
        // std of U(-b, b) is b/sqrt(3)
        assertEquals(bound / Math.sqrt(3), InitTest.std(l.weight().data), 0.01 * bound);
        assertEquals(0, InitTest.mean(l.weight().data), 0.01 * bound);
    }

    @Test
    void embeddingInitIsStandardNormal() {
        Embedding e = new Embedding(257, 97, new Rng(6));
        assertArrayEquals(new int[] {257, 97}, e.weight().shape);
        assertEquals(1.0, InitTest.std(e.weight().data), 0.015);
        assertEquals(0.0, InitTest.mean(e.weight().data), 0.015);
        assertEquals(List.of("weight"), e.parameters().stream().map(Parameter::name).toList());
    }

    @Test
    void nestedSequentialPathNames() {
        Rng rng = new Rng(1);
        Sequential net = new Sequential(new Linear(5, 7, rng), new Tanh(),
                new Sequential(new Linear(7, 3, false, rng), new BatchNorm1d(3), new LayerNorm(3, false)));
        assertEquals(List.of("0.weight", "0.bias", "2.0.weight", "2.1.weight", "2.1.bias", "2.2.weight"),
                net.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("0.weight", "0.bias", "2.0.weight", "2.1.weight", "2.1.bias",
                "2.1.running_mean", "2.1.running_var", "2.2.weight"), List.copyOf(net.stateDict().keySet()));
        assertEquals("2.1.running_var", net.stateDict().get("2.1.running_var").name);
        assertEquals(35 + 7 + 21 + 3 + 3 + 3, net.numParams());
        net.eval();
        assertFalse(((Sequential) net.get(2)).get(1).training());
    }

    @Test
    void normLayersStartAsIdentityTransforms() {
        BatchNorm1d bn = new BatchNorm1d(4);
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.weight().data);
        assertArrayEquals(new float[] {0, 0, 0, 0}, bn.bias().data);
        assertArrayEquals(new float[] {0, 0, 0, 0}, bn.runningMean().data);
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.runningVar().data);
        assertFalse(bn.runningMean().requiresGrad);
        LayerNorm ln = new LayerNorm(3);
        assertArrayEquals(new float[] {1, 1, 1}, ln.weight().data);
        assertArrayEquals(new float[] {0, 0, 0}, ln.bias().data);
        assertNull(new LayerNorm(3, false).bias());
    }

    @Test
    void tiedLinearSharesTheEmbeddingTable() {
        final class Tied extends Module {
            final Embedding wte = add("wte", new Embedding(11, 6, new Rng(2)));
            final Linear head = add("lm_head", new Linear(6, 11, false, new Rng(3)));
            Tied() { head.tieWeight(wte.weight()); }
        }
        Tied m = new Tied();
        assertSame(m.wte.weight(), m.head.weight());
        assertEquals(List.of("wte.weight"), m.parameters().stream().map(Parameter::name).toList());
        assertEquals(66, m.numParams());
        assertThrows(ShapeException.class, () -> m.head.tieWeight(Tensor.zeros(6, 11)));
    }

    @Test
    void dropoutIsTheIdentityInEvalMode() {
        Dropout d = new Dropout(0.5f, new Rng(1));
        d.eval();
        Tensor x = Tensor.zeros(3, 4);
        assertSame(x, d.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1f, new Rng(1)));
    }

    @Test
    void shapeErrorsNameTheLayer() {
        Linear l = new Linear(4, 2, new Rng(1));
        ShapeException e = assertThrows(ShapeException.class, () -> l.forward(Tensor.zeros(3, 5)));
        assertTrue(e.getMessage().contains("Linear(4 -> 2)"), e.getMessage());
        assertThrows(ShapeException.class, () -> new LayerNorm(4).forward(Tensor.zeros(2, 3)));
        assertThrows(ShapeException.class, () -> new BatchNorm1d(4).forward(Tensor.zeros(2, 2, 2, 4)));
    }
}
