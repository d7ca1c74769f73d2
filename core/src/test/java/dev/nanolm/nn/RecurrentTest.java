// Rnn, Gru and Lstm beyond gradients: forward values against a plain double-precision loop of PyTorch's equations,
// parameter names, shapes, order and init, dropout only between layers and only in training, argument checks,
// and steps inside an Arena. Gradients are in RecurrentGradTest; libtorch comparisons in peer's RecurrentVsTorchTest.
package dev.nanolm.nn;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.nn.RecurrentGradTest.Kind;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecurrentTest {
    @AfterEach void clearTape() { Tape.reset(); }

    static Recurrent build(Kind k, int in, int H, int layers, boolean bias, float dropout, boolean bidir, Rng rng) {
        return RecurrentGradTest.build(k, in, H, layers, bias, dropout, bidir, rng);
    }

    // ---------------------------------------------------------------- reference: PyTorch's equations, in double

    static double sig(double v) { return 1 / (1 + Math.exp(-v)); }

    /** W (rows,cols) row r times v, plus b[r] when b is non-null. */
    static double dot(Tensor W, int r, double[] v, Tensor b) {
        int cols = W.dim(1);
        double s = b == null ? 0 : b.data[r];
        for (int j = 0; j < cols; j++) s += W.data[r * cols + j] * v[j];
        return s;
    }

    /**
     * The whole network by the documented equations: returns {output (B,T,H*dirs), h (L*dirs,B,H), c or null}
     * flattened row-major. Weights are read by name from the state dict, so names are checked too.
     */
    static double[][] reference(Kind kind, Recurrent net, Tensor x, Tensor h0, Tensor c0) {
        Map<String, Tensor> p = net.stateDict();
        int B = x.dim(0), T = x.dim(1), H = net.hiddenSize, dirs = net.directions(), L = net.numLayers;
        double[][][] in = new double[B][T][];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                in[b][t] = new double[x.dim(2)];
                for (int j = 0; j < x.dim(2); j++) in[b][t][j] = x.data[(b * T + t) * x.dim(2) + j];
            }
        double[] hOut = new double[L * dirs * B * H], cOut = new double[L * dirs * B * H];
        for (int l = 0; l < L; l++) {
            double[][][] out = new double[B][T][H * dirs];
            for (int d = 0; d < dirs; d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                Tensor wi = p.get("weight_ih" + sfx), wh = p.get("weight_hh" + sfx);
                Tensor bi = p.get("bias_ih" + sfx), bh = p.get("bias_hh" + sfx);
                int k = l * dirs + d;
                for (int b = 0; b < B; b++) {
                    double[] h = new double[H], c = new double[H];
                    for (int j = 0; j < H; j++) {
                        if (h0 != null) h[j] = h0.data[(k * B + b) * H + j];
                        if (c0 != null) c[j] = c0.data[(k * B + b) * H + j];
                    }
                    for (int s = 0; s < T; s++) {
                        int t = d == 0 ? s : T - 1 - s;
                        double[] xt = in[b][t], h2 = new double[H], c2 = new double[H];
                        for (int j = 0; j < H; j++) {
                            switch (kind) {
                                case RNN:
                                    h2[j] = Math.tanh(dot(wi, j, xt, bi) + dot(wh, j, h, bh));
                                    break;
                                case GRU: {
                                    double r = sig(dot(wi, j, xt, bi) + dot(wh, j, h, bh));
                                    double z = sig(dot(wi, H + j, xt, bi) + dot(wh, H + j, h, bh));
                                    double n = Math.tanh(dot(wi, 2 * H + j, xt, bi) + r * dot(wh, 2 * H + j, h, bh));
                                    h2[j] = (1 - z) * n + z * h[j];
                                    break;
                                }
                                default: {
                                    double i = sig(dot(wi, j, xt, bi) + dot(wh, j, h, bh));
                                    double f = sig(dot(wi, H + j, xt, bi) + dot(wh, H + j, h, bh));
                                    double g = Math.tanh(dot(wi, 2 * H + j, xt, bi) + dot(wh, 2 * H + j, h, bh));
                                    double o = sig(dot(wi, 3 * H + j, xt, bi) + dot(wh, 3 * H + j, h, bh));
                                    c2[j] = f * c[j] + i * g;
                                    h2[j] = o * Math.tanh(c2[j]);
                                }
                            }
                        }
                        h = h2;
                        c = c2;
                        System.arraycopy(h, 0, out[b][t], d * H, H);
                    }
                    System.arraycopy(h, 0, hOut, (k * B + b) * H, H);
                    System.arraycopy(c, 0, cOut, (k * B + b) * H, H);
                }
            }
            in = out;
        }
        double[] o = new double[B * T * H * dirs];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) System.arraycopy(in[b][t], 0, o, (b * T + t) * H * dirs, H * dirs);
        return new double[][] {o, hOut, kind == Kind.LSTM ? cOut : null};
    }

    static float[] f(double[] d) {
        float[] r = new float[d.length];
        for (int i = 0; i < d.length; i++) r[i] = (float) d[i];
        return r;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void forwardMatchesTheEquationsForEveryShape(Kind kind) {
        Rng rng = new Rng(3 + kind.ordinal());
        for (int layers = 1; layers <= 3; layers++)
            for (boolean bidir : new boolean[] {false, true})
                for (boolean bias : new boolean[] {true, false})
                    for (int T : new int[] {1, 5}) {
                        String what = kind + " layers=" + layers + " bidir=" + bidir + " bias=" + bias + " T=" + T;
                        // weights wider than the default init so the nonlinearities leave their linear range
                        Recurrent net = build(kind, 4, 3, layers, bias, 0f, bidir, rng);
                        for (Parameter p : net.parameters()) TestTensors.mulBy(p.value(), 2.5f);
                        int n = layers * net.directions(), B = 2;
                        Tensor x = TestTensors.randn(rng, B, T, 4);
                        Tensor h0 = T == 1 ? null : TestTensors.randn(rng, n, B, 3);
                        Tensor c0 = T == 1 || kind != Kind.LSTM ? null : TestTensors.randn(rng, n, B, 3);
                        Recurrent.Output o;
                        try (var g = Tape.noGrad()) { o = net.forward(x, h0, c0, null); }
                        assertArrayEquals(new int[] {B, T, 3 * net.directions()}, o.output().shape, what);
                        assertArrayEquals(new int[] {n, B, 3}, o.h().shape, what);
                        double[][] ref = reference(kind, net, x, h0, c0);
                        assertClose(what + " output", f(ref[0]), o.output().data, 1e-5);
                        assertClose(what + " h", f(ref[1]), o.h().data, 1e-5);
                        if (kind == Kind.LSTM) {
                            assertArrayEquals(new int[] {n, B, 3}, o.c().shape, what);
                            assertClose(what + " c", f(ref[2]), o.c().data, 1e-5);
                        } else assertNull(o.c(), what);
                    }
    }

    @Test
    void lastStepOfOutputIsTheFinalHiddenStateOfTheLastLayer() {
        Rng rng = new Rng(8);
        Lstm net = new Lstm(3, 5, 2, true, 0f, false, rng);
        Recurrent.Output o = net.forward(TestTensors.randn(rng, 2, 6, 3));
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < 5; j++)
                assertEquals(o.output().data[(b * 6 + 5) * 5 + j], o.h().data[(1 * 2 + b) * 5 + j]);
    }

    // ---------------------------------------------------------------- parameters

    @Test
    void parameterNamesShapesAndOrderAreTorchs() {
        Lstm lstm = new Lstm(5, 3, 2, true, 0f, true, new Rng(1));
        List<String> names = new ArrayList<>();
        for (int l = 0; l < 2; l++)
            for (String sfx : new String[] {"", "_reverse"})
                for (String w : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) names.add(w + "_l" + l + sfx);
        assertEquals(names, lstm.parameters().stream().map(Parameter::name).toList());
        Map<String, Tensor> sd = lstm.stateDict();
        assertArrayEquals(new int[] {12, 5}, sd.get("weight_ih_l0").shape);
        assertArrayEquals(new int[] {12, 3}, sd.get("weight_hh_l0_reverse").shape);
        assertArrayEquals(new int[] {12, 6}, sd.get("weight_ih_l1").shape); // layer 1 reads both directions
        assertArrayEquals(new int[] {12}, sd.get("bias_hh_l1_reverse").shape);
        assertEquals(2 * (12 * 5 + 12 * 3 + 24) + 2 * (12 * 6 + 12 * 3 + 24), lstm.numParams());
        assertTrue(lstm.buffers().isEmpty());

        Gru gru = new Gru(4, 7, 1, false, 0f, false, new Rng(1));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0"), gru.parameters().stream().map(Parameter::name).toList());
        assertArrayEquals(new int[] {21, 4}, gru.stateDict().get("weight_ih_l0").shape);
        Rnn rnn = new Rnn(4, 7, 3, true, 0f, false, new Rng(1));
        assertArrayEquals(new int[] {7, 7}, rnn.stateDict().get("weight_ih_l2").shape);
        assertEquals(12, rnn.parameters().size());
        // nested in a model, the names get the module's path
        ModuleDict model = new ModuleDict();
        model.put("rnn", rnn);
        assertEquals("rnn.weight_ih_l0", model.parameters().get(0).name());
        assertEquals("rnn.weight_ih_l0", rnn.stateDict().get("weight_ih_l0").name);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void initIsUniformWithinOneOverSqrtHiddenForEveryParameter(Kind kind) {
        Recurrent net = build(kind, 300, 100, 2, true, 0f, true, new Rng(5));
        double bound = 1 / Math.sqrt(100);
        for (Parameter p : net.parameters()) {
            float max = 0;
            for (float v : p.value().data) max = Math.max(max, Math.abs(v));
            assertTrue(max <= bound, p.name() + " max " + max + " > " + bound);
            assertTrue(max > 0.9 * bound, p.name() + " fills the range: " + max);
        }
        // same seed, same weights (and dropout does not change the draws)
        Recurrent again = build(kind, 300, 100, 2, true, 0.5f, true, new Rng(5));
        for (Parameter p : net.parameters())
            assertArrayEquals(p.value().data, again.stateDict().get(p.name()).data, p.name());
    }

    // ---------------------------------------------------------------- dropout

    @ParameterizedTest
    @EnumSource(Kind.class)
    void dropoutActsOnlyInTrainingAndOnlyBetweenLayers(Kind kind) {
        Rng rng = new Rng(11);
        Recurrent net = build(kind, 4, 6, 2, true, 0.4f, true, new Rng(21));
        Recurrent plain = build(kind, 4, 6, 2, true, 0f, true, new Rng(21));
        Tensor x = TestTensors.randn(rng, 3, 5, 4);
        Recurrent.Output noDrop = plain.forward(x);

        // eval mode: no dropout, no rng needed
        net.eval();
        Recurrent.Output ev = net.forward(x);
        assertClose("eval == no dropout", noDrop.output(), ev.output(), 0);
        assertClose("eval h", noDrop.h(), ev.h(), 0);

        // training without an rng is an error; with one, the output changes and the same seed repeats it
        net.train(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(x));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        Recurrent.Output tr = net.forward(x, null, null, new Rng(99));
        assertClose("same seed, same masks", tr.output(), net.forward(x, null, null, new Rng(99)).output(), 0);
        assertFalse(java.util.Arrays.equals(noDrop.output().data, tr.output().data), "training mode drops something");
        // layer 0's final states are taken before dropout: they equal the undropped ones
        int half = noDrop.h().numel() / 2;
        assertArrayEquals(java.util.Arrays.copyOf(noDrop.h().data, half), java.util.Arrays.copyOf(tr.h().data, half));

        // exactly: layer 1 of the network run on dropout(layer 0's output) with masks from the same seed
        Recurrent first = build(kind, 4, 6, 1, true, 0f, true, new Rng(1)), second = build(kind, 12, 6, 1, true, 0f, true, new Rng(1));
        Map<String, Tensor> s0 = new LinkedHashMap<>(), s1 = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> en : net.stateDict().entrySet()) {
            String k = en.getKey();
            if (k.contains("_l0")) s0.put(k, en.getValue());
            else s1.put(k.replace("_l1", "_l0"), en.getValue());
        }
        first.loadStateDict(s0);
        second.loadStateDict(s1);
        Tensor mid = Ops.dropout(first.forward(x).output(), 0.4f, true, new Rng(99));
        Recurrent.Output composed = second.forward(mid);
        assertClose("output of layer 1 on dropped layer 0", composed.output(), tr.output(), 0);

        // a single layer has nothing between layers: training equals eval, and no rng is needed (as PyTorch)
        Recurrent one = build(kind, 4, 6, 1, true, 0.4f, false, new Rng(2));
        Tensor a = one.forward(x).output();
        one.eval();
        assertClose("1 layer, dropout has no effect", one.forward(x).output(), a, 0);
    }

    // ---------------------------------------------------------------- argument checks

    @Test
    void constructorRejectsBadSizes() {
        Rng rng = new Rng(1);
        ShapeException s = assertThrows(ShapeException.class, () -> new Lstm(0, 4, 1, true, 0f, false, rng));
        assertTrue(s.getMessage().contains("inputSize=0"), s.getMessage());
        assertThrows(ShapeException.class, () -> new Gru(3, -1, 1, true, 0f, false, rng));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Rnn(3, 4, 0, true, 0f, false, rng));
        assertTrue(e.getMessage().contains("numLayers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Rnn(3, 4, 2, true, 1f, false, rng));
        assertThrows(IllegalArgumentException.class, () -> new Rnn(3, 4, 2, true, -0.1f, false, rng));
        assertThrows(IllegalArgumentException.class, () -> new Rnn(3, 4, 2, true, Float.NaN, false, rng));
        assertThrows(IllegalArgumentException.class, () -> new Lstm(3, 4, 1, true, 0f, false, null));
    }

    @Test
    void forwardRejectsBadShapesWithClearMessages() {
        Rng rng = new Rng(2);
        Lstm lstm = new Lstm(3, 4, 2, true, 0f, true, rng);
        ShapeException e = assertThrows(ShapeException.class, () -> lstm.forward(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("(B, T, 3)"), e.getMessage());
        assertThrows(ShapeException.class, () -> lstm.forward(Tensor.zeros(2, 5, 4)));
        assertThrows(ShapeException.class, () -> lstm.forward(Tensor.zeros(2, 0, 3)));
        Tensor x = Tensor.zeros(2, 5, 3);
        e = assertThrows(ShapeException.class, () -> lstm.forward(x, Tensor.zeros(2, 2, 4), null, null));
        assertTrue(e.getMessage().contains("h0") && e.getMessage().contains("[4, 2, 4]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> lstm.forward(x, null, Tensor.zeros(4, 3, 4), null));
        assertTrue(e.getMessage().contains("c0"), e.getMessage());
        Gru gru = new Gru(3, 4, 1, true, 0f, false, rng);
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> gru.forward(x, null, Tensor.zeros(1, 2, 4), null));
        assertTrue(a.getMessage().contains("c0"), a.getMessage());
    }

    // ---------------------------------------------------------------- Arena

    @Test
    void stepsInAnArenaGiveTheSameGradientsAsWithout() {
        Rng rng = new Rng(4);
        Gru net = new Gru(3, 5, 2, true, 0.2f, true, rng);
        Tensor x = TestTensors.randn(rng, 2, 4, 3), r = TestTensors.randn(rng, 2, 4, 10);
        net.zeroGrad();
        Tape.backward(Ops.sum(Ops.mul(net.forward(x, null, null, new Rng(5)).output(), r)));
        Map<String, float[]> expected = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) expected.put(p.name(), p.value().grad().clone());
        Arena arena = new Arena();
        for (int step = 0; step < 3; step++) {
            net.zeroGrad();
            try (var s = arena.step()) {
                Tape.backward(Ops.sum(Ops.mul(net.forward(x, null, null, new Rng(5)).output(), r)));
            }
            for (Parameter p : net.parameters())
                assertArrayEquals(expected.get(p.name()), p.value().grad(), "step " + step + " " + p.name());
        }
        assertEquals(0, arena.freshBytes(), "a steady-state step allocates no new arrays");
    }
}
