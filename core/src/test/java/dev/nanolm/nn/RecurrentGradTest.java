// Finite-difference gradient checks of Rnn, Gru and Lstm w.r.t. the input, the initial states and every weight,
// through the output and the final h (and c): 1 and 2 layers, one and two directions, T = 1 and T > 1, odd sizes.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecurrentGradTest {
    enum Kind { RNN, GRU, LSTM }

    /** One configuration: layers, directions, bias, batch, time steps, sizes, whether h0 (and c0) are given. */
    record Config(int layers, boolean bidirectional, boolean bias, int B, int T, int in, int H, boolean state) {
        @Override public String toString() {
            return layers + " layer(s)" + (bidirectional ? " bidirectional" : "") + (bias ? "" : " no bias")
                    + " B=" + B + " T=" + T + " in=" + in + " H=" + H + (state ? " with h0/c0" : "");
        }
    }

    static final List<Config> CONFIGS = List.of(
            new Config(1, false, true, 2, 1, 3, 5, false),
            new Config(1, false, true, 3, 4, 5, 3, true),
            new Config(2, false, false, 2, 3, 3, 5, true),
            new Config(1, true, true, 2, 3, 5, 3, true),
            new Config(2, true, true, 3, 4, 3, 3, true),
            new Config(2, true, false, 1, 1, 7, 3, false));

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (Kind k : Kind.values()) for (Config c : CONFIGS) a.add(Arguments.of(k, c));
        return a.stream();
    }

    static Recurrent build(Kind k, int in, int H, int layers, boolean bias, float dropout, boolean bidir, Rng rng) {
        switch (k) {
            case RNN: return new Rnn(in, H, layers, bias, dropout, bidir, rng);
            case GRU: return new Gru(in, H, layers, bias, dropout, bidir, rng);
            default: return new Lstm(in, H, layers, bias, dropout, bidir, rng);
        }
    }

    /** output, h and c flattened into one vector, so one projection loss reaches all three. */
    static Tensor flat(Recurrent.Output o) {
        Tensor out = Ops.view(o.output(), -1), h = Ops.view(o.h(), -1);
        return o.c() == null ? Ops.concat(0, out, h) : Ops.concat(0, out, h, Ops.view(o.c(), -1));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradientsOfOutputAndFinalStates(Kind kind, Config c) {
        Rng rng = new Rng(1000 + kind.ordinal() * 10 + CONFIGS.indexOf(c));
        Recurrent net = build(kind, c.in(), c.H(), c.layers(), c.bias(), 0f, c.bidirectional(), rng);
        int n = c.layers() * net.directions();
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(TestTensors.randn(rng, c.B(), c.T(), c.in()));
        Tensor h0 = c.state() ? TestTensors.mulBy(TestTensors.randn(rng, n, c.B(), c.H()), 0.5f) : null;
        Tensor c0 = c.state() && kind == Kind.LSTM ? TestTensors.randn(rng, n, c.B(), c.H()) : null;
        if (h0 != null) inputs.add(h0);
        if (c0 != null) inputs.add(c0);
        for (Parameter p : net.parameters()) inputs.add(p.value());
        GradCheck.assertGradients(kind + " " + c, in -> flat(net.forward(in[0], h0, c0, null)), inputs.toArray(new Tensor[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void gradientsWithDropoutBetweenLayers(Kind kind) {
        Rng rng = new Rng(77 + kind.ordinal());
        Recurrent net = build(kind, 4, 3, 2, true, 0.3f, true, rng);
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(TestTensors.randn(rng, 2, 3, 4));
        for (Parameter p : net.parameters()) inputs.add(p.value());
        // a fresh Rng with a fixed seed per call keeps the masks fixed across finite-difference evaluations
        GradCheck.assertGradients(kind + " with dropout", in -> flat(net.forward(in[0], null, null, new Rng(9))),
                inputs.toArray(new Tensor[0]));
    }

    static Stream<Kind> kinds() { return Stream.of(Kind.values()); }
}
