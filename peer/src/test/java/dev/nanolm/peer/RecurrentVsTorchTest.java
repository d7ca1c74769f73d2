// nanolm's Rnn, Gru and Lstm against libtorch's fused torch.rnn_tanh / torch.gru / torch.lstm (through DJL's NDArrayEx)
// with the same weights: outputs, final h (and c), and the gradients of sum(output*R) + sum(h*Rh) (+ sum(c*Rc))
// w.r.t. the input, the initial states and every weight must agree.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.nn.Gru;
import dev.nanolm.nn.Lstm;
import dev.nanolm.nn.Parameter;
import dev.nanolm.nn.Recurrent;
import dev.nanolm.nn.Rnn;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecurrentVsTorchTest extends PeerTest {
    // float32 on both sides, same order of operations up to the matmul blocking; T <= 9 steps keep errors small
    static final double ATOL = 1e-5, RTOL = 1e-4;

    enum Kind { RNN, GRU, LSTM }

    record Config(int layers, boolean bidirectional, boolean bias, int B, int T, int in, int H, boolean state) {
        @Override public String toString() {
            return layers + " layer(s)" + (bidirectional ? " bidirectional" : "") + (bias ? "" : " no bias")
                    + " B=" + B + " T=" + T + " in=" + in + " H=" + H + (state ? " with h0/c0" : " zero state");
        }
    }

    static final List<Config> CONFIGS = List.of(
            new Config(1, false, true, 4, 9, 10, 16, false),
            new Config(2, false, true, 3, 7, 5, 13, true),
            new Config(1, true, false, 2, 6, 7, 9, true),
            new Config(2, true, true, 5, 8, 6, 11, true),
            new Config(2, true, false, 3, 1, 4, 7, false),
            new Config(3, false, false, 2, 5, 3, 6, true));

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (Kind k : Kind.values()) for (Config c : CONFIGS) a.add(Arguments.of(k, c));
        return a.stream();
    }


    static Recurrent build(Kind k, Config c, Rng rng) {
        switch (k) {
            case RNN: return new Rnn(c.in(), c.H(), c.layers(), c.bias(), 0f, c.bidirectional(), rng);
            case GRU: return new Gru(c.in(), c.H(), c.layers(), c.bias(), 0f, c.bidirectional(), rng);
            default: return new Lstm(c.in(), c.H(), c.layers(), c.bias(), 0f, c.bidirectional(), rng);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void outputsStatesAndGradientsMatchLibtorch(Kind kind, Config c) {
        Rng rng = new Rng(4242 + 10L * kind.ordinal() + CONFIGS.indexOf(c));
        Recurrent net = build(kind, c, rng);
        boolean lstm = kind == Kind.LSTM;
        int n = c.layers() * net.directions();
        Tensor x = Torch.randn(rng, 1f, c.B(), c.T(), c.in());
        Tensor h0 = c.state() ? Torch.randn(rng, 0.5f, n, c.B(), c.H()) : null;
        Tensor c0 = c.state() && lstm ? Torch.randn(rng, 1f, n, c.B(), c.H()) : null;

        // nanolm
        Tensor xq = x.copy().requiresGrad(true);
        Tensor h0q = h0 == null ? null : h0.copy().requiresGrad(true), c0q = c0 == null ? null : c0.copy().requiresGrad(true);
        Recurrent.Output o = net.forward(xq, h0q, c0q, null);
        Tensor r = Torch.randn(rng, 1f, o.output().shape), rh = Torch.randn(rng, 1f, o.h().shape);
        Tensor rc = lstm ? Torch.randn(rng, 1f, o.c().shape) : null;
        Tensor loss = Ops.add(Ops.sum(Ops.mul(o.output(), r)), Ops.sum(Ops.mul(o.h(), rh)));
        if (lstm) loss = Ops.add(loss, Ops.sum(Ops.mul(o.c(), rc)));
        Tape.backward(loss);

        // libtorch: flat weights in PyTorch's order (per layer and direction w_ih, w_hh, b_ih, b_hh), which is
        // nanolm's parameters() order; torch needs explicit initial states, so zeros stand in for "none"
        NDList params = new NDList();
        for (Parameter p : net.parameters()) params.add(Torch.nd(m, p.value(), true));
        NDArray tx = Torch.nd(m, x, true);
        NDArray th0 = h0 != null ? Torch.nd(m, h0, true) : m.zeros(Torch.shapeOf(new int[] {n, c.B(), c.H()}));
        NDArray tc0 = !lstm ? null : c0 != null ? Torch.nd(m, c0, true) : m.zeros(Torch.shapeOf(new int[] {n, c.B(), c.H()}));
        NDList res;
        try (GradientCollector gc = Torch.gradients()) {
            NDArrayEx ex = tx.getNDArrayInternal();
            // training=true with dropout 0: same values, and the CPU (oneDNN) kernels keep what backward needs
            if (kind == Kind.RNN)
                res = ex.rnn(tx, th0, params, c.bias(), c.layers(), RNN.Activation.TANH, 0.0, true, c.bidirectional(), true);
            else if (kind == Kind.GRU)
                res = ex.gru(tx, th0, params, c.bias(), c.layers(), 0.0, true, c.bidirectional(), true);
            else
                res = ex.lstm(tx, new NDList(th0, tc0), params, c.bias(), c.layers(), 0.0, true, c.bidirectional(), true);
            NDArray tloss = TorchRef.project(res.get(0), Torch.nd(m, r)).add(TorchRef.project(res.get(1), Torch.nd(m, rh)));
            if (lstm) tloss = tloss.add(TorchRef.project(res.get(2), Torch.nd(m, rc)));
            gc.backward(tloss);
        }

        String what = kind + " " + c + ": ";
        check(what + "output", Torch.tensor(res.get(0)), o.output());
        check(what + "h", Torch.tensor(res.get(1)), o.h());
        if (lstm) check(what + "c", Torch.tensor(res.get(2)), o.c());
        check(what + "d/dx", Torch.grad(tx), xq.grad());
        if (h0 != null) check(what + "d/dh0", Torch.grad(th0), h0q.grad());
        if (c0 != null) check(what + "d/dc0", Torch.grad(tc0), c0q.grad());
        List<Parameter> ps = net.parameters();
        for (int i = 0; i < ps.size(); i++)
            check(what + "d/d" + ps.get(i).name(), Torch.grad(params.get(i)), ps.get(i).value().grad());
    }

    /** Largest |nanolm - torch| seen over all comparisons, printed at the end of the run for the record. */
    static double worstAbs;

    private static void check(String name, Tensor expected, Tensor actual) { check(name, expected.data, actual.data); }

    private static void check(String name, float[] expected, float[] actual) {
        TorchAssert.assertClose(name, expected, actual, ATOL, RTOL);
        for (int i = 0; i < expected.length; i++) worstAbs = Math.max(worstAbs, Math.abs((double) expected[i] - actual[i]));
    }

    @org.junit.jupiter.api.AfterAll static void report() {
        System.out.printf("RecurrentVsTorchTest: largest |nanolm - libtorch| over outputs, states and gradients: %.3g%n", worstAbs);
    }
}
