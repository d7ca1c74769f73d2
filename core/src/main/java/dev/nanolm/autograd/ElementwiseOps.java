// Elementwise ops (binary with numpy broadcasting, scalar, unary activations, dropout):
// each forward with its backward beside it. Backward accumulates (+=) into inputs that require grad.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;

final class ElementwiseOps {
    private ElementwiseOps() {}

    enum Bin { ADD, SUB, MUL, DIV }

    // ---------------------------------------------------------------- binary, broadcasting

    static Tensor binary(Bin op, Tensor a, Tensor b) {
        Broadcast bc = Broadcast.of(op.name().toLowerCase(), a, b);
        Tensor out = Tensor.zeros(bc.outShape);
        if (out.numel() == 0) return out;
        Tape.compute(out, () -> binaryForward(op, a, b, out, bc));
        if (Tape.needsGrad(a, b)) Tape.record(out, () -> binaryBackward(op, a, b, out, bc));
        return out;
    }

    private static void binaryForward(Bin op, Tensor a, Tensor b, Tensor out, Broadcast bc) {
        float[] A = a.data, B = b.data, Y = out.data;
        int n = Y.length;
        if (bc.aIdx == null && bc.inner > 1) {
            // Block path: out has a's layout, b[j] applies to a run of `inner` elements.
            int nb = B.length, inner = bc.inner;
            for (int o = 0; o < n; o += nb * inner)
                for (int j = 0; j < nb; j++) {
                    int s = o + j * inner, e = s + inner;
                    float bj = B[j];
                    switch (op) {
                        case ADD: for (int i = s; i < e; i++) Y[i] = A[i] + bj; break;
                        case SUB: for (int i = s; i < e; i++) Y[i] = A[i] - bj; break;
                        case MUL: for (int i = s; i < e; i++) Y[i] = A[i] * bj; break;
                        case DIV: for (int i = s; i < e; i++) Y[i] = A[i] / bj; break;
                    }
                }
        } else if (bc.aIdx == null) {
            // Suffix path: out has a's layout, b repeats every nb elements (equal shapes: nb == n).
            int nb = B.length;
            switch (op) {
                case ADD: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) Y[o + j] = A[o + j] + B[j]; break;
                case SUB: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) Y[o + j] = A[o + j] - B[j]; break;
                case MUL: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) Y[o + j] = A[o + j] * B[j]; break;
                case DIV: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) Y[o + j] = A[o + j] / B[j]; break;
            }
        } else {
            int[] ai = bc.aIdx, bi = bc.bIdx;
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) Y[i] = A[ai[i]] + B[bi[i]]; break;
                case SUB: for (int i = 0; i < n; i++) Y[i] = A[ai[i]] - B[bi[i]]; break;
                case MUL: for (int i = 0; i < n; i++) Y[i] = A[ai[i]] * B[bi[i]]; break;
                case DIV: for (int i = 0; i < n; i++) Y[i] = A[ai[i]] / B[bi[i]]; break;
            }
        }
    }

    /** Gradients of a op b; summing over broadcast dims happens by accumulating into the mapped index. */
    private static void binaryBackward(Bin op, Tensor a, Tensor b, Tensor out, Broadcast bc) {
        float[] g = out.grad(), A = a.data, B = b.data, Y = out.data;
        float[] dA = a.requiresGrad ? a.grad() : null, dB = b.requiresGrad ? b.grad() : null;
        int n = g.length;
        if (bc.aIdx == null && bc.inner > 1) {
            int nb = B.length, inner = bc.inner;
            for (int o = 0; o < n; o += nb * inner)
                for (int j = 0; j < nb; j++) {
                    int s = o + j * inner, e = s + inner;
                    float bj = B[j];
                    double acc = 0; // dB[j] collects a whole run
                    switch (op) {
                        case ADD:
                            if (dA != null) for (int i = s; i < e; i++) dA[i] += g[i];
                            if (dB != null) for (int i = s; i < e; i++) acc += g[i];
                            break;
                        case SUB:
                            if (dA != null) for (int i = s; i < e; i++) dA[i] += g[i];
                            if (dB != null) for (int i = s; i < e; i++) acc -= g[i];
                            break;
                        case MUL:
                            if (dA != null) for (int i = s; i < e; i++) dA[i] += g[i] * bj;
                            if (dB != null) for (int i = s; i < e; i++) acc += g[i] * A[i];
                            break;
                        case DIV:
                            if (dA != null) for (int i = s; i < e; i++) dA[i] += g[i] / bj;
                            if (dB != null) for (int i = s; i < e; i++) acc -= g[i] * Y[i] / bj;
                            break;
                    }
                    if (dB != null) dB[j] += (float) acc;
                }
        } else if (bc.aIdx == null) {
            // Suffix path: one loop per input and op, so the JIT sees straight-line bodies.
            int nb = B.length;
            if (dA != null) {
                switch (op) {
                    case ADD: case SUB: for (int i = 0; i < n; i++) dA[i] += g[i]; break;
                    case MUL: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) dA[o + j] += g[o + j] * B[j]; break;
                    case DIV: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) dA[o + j] += g[o + j] / B[j]; break;
                }
            }
            if (dB != null) {
                switch (op) {
                    case ADD: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) dB[j] += g[o + j]; break;
                    case SUB: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) dB[j] -= g[o + j]; break;
                    case MUL: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) dB[j] += g[o + j] * A[o + j]; break;
                    case DIV: for (int o = 0; o < n; o += nb) for (int j = 0; j < nb; j++) dB[j] -= g[o + j] * Y[o + j] / B[j]; break;
                }
            }
        } else {
            int[] ai = bc.aIdx, bi = bc.bIdx;
            for (int i = 0; i < n; i++) {
                float gi = g[i];
                int x = ai[i], y = bi[i];
                switch (op) {
                    case ADD: if (dA != null) dA[x] += gi; if (dB != null) dB[y] += gi; break;
                    case SUB: if (dA != null) dA[x] += gi; if (dB != null) dB[y] -= gi; break;
                    case MUL: if (dA != null) dA[x] += gi * B[y]; if (dB != null) dB[y] += gi * A[x]; break;
                    case DIV: if (dA != null) dA[x] += gi / B[y]; if (dB != null) dB[y] -= gi * Y[i] / B[y]; break;
                }
            }
        }
    }

    // ---------------------------------------------------------------- scalar operand

    static Tensor addScalar(Tensor a, float s) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        for (int i = 0; i < Y.length; i++) Y[i] = X[i] + s;
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i];
        });
        return out;
    }

    static Tensor mulScalar(Tensor a, float s) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        Tape.compute(out, () -> { for (int i = 0; i < Y.length; i++) Y[i] = X[i] * s; });
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] * s;
        });
        return out;
    }

    static Tensor pow(Tensor a, float p) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        if (p == 2f) for (int i = 0; i < Y.length; i++) Y[i] = X[i] * X[i];
        else for (int i = 0; i < Y.length; i++) Y[i] = (float) Math.pow(X[i], p);
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            if (p == 2f) for (int i = 0; i < g.length; i++) dX[i] += g[i] * 2f * X[i];
            else for (int i = 0; i < g.length; i++) dX[i] += g[i] * (float) (p * Math.pow(X[i], p - 1));
        });
        return out;
    }

    // ---------------------------------------------------------------- unary

    static Tensor neg(Tensor a) { return mulScalar(a, -1f); }

    static Tensor sqrt(Tensor a) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        for (int i = 0; i < Y.length; i++) Y[i] = (float) Math.sqrt(X[i]);
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] * 0.5f / Y[i];
        });
        return out;
    }

    static Tensor exp(Tensor a) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        for (int i = 0; i < Y.length; i++) Y[i] = (float) Math.exp(X[i]);
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] * Y[i];
        });
        return out;
    }

    static Tensor log(Tensor a) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        for (int i = 0; i < Y.length; i++) Y[i] = (float) Math.log(X[i]);
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] / X[i];
        });
        return out;
    }

    static Tensor tanh(Tensor a) {
        Tensor out = Tensor.zeros(a.shape);
        float[] Y = out.data;
        Kernels k = Ops.kernels();
        Tape.compute(out, () -> k.tanhForward(a.data, Y, Y.length));
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] * (1f - Y[i] * Y[i]);
        });
        return out;
    }

    static Tensor sigmoid(Tensor a) {
        Tensor out = Tensor.zeros(a.shape);
        float[] Y = out.data;
        Kernels k = Ops.kernels();
        Tape.compute(out, () -> k.sigmoidForward(a.data, Y, Y.length));
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] * Y[i] * (1f - Y[i]);
        });
        return out;
    }

    static Tensor relu(Tensor a) {
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        Tape.compute(out, () -> { for (int i = 0; i < Y.length; i++) Y[i] = X[i] > 0f ? X[i] : 0f; });
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) if (X[i] > 0f) dX[i] += g[i];
        });
        return out;
    }

    static Tensor gelu(Tensor a) {
        Kernels k = Ops.kernels();
        Tensor out = Tensor.zeros(a.shape);
        Tape.compute(out, () -> k.geluForward(a.data, out.data, a.numel()));
        if (Tape.needsGrad(a)) Tape.record(out, () -> k.geluBackward(a.data, out.grad(), a.grad(), a.numel()));
        return out;
    }

    // ---------------------------------------------------------------- dropout

    /** Inverted dropout: kept elements are scaled by 1/(1-p) so eval needs no rescaling. */
    static Tensor dropout(Tensor a, float p, boolean training, Rng rng) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        if (!training || p == 0f) return a;
        float scale = 1f / (1f - p);
        Tensor out = Tensor.zeros(a.shape);
        float[] X = a.data, Y = out.data;
        float[] mask = Arena.floats(Y.length);
        Tape.compute(out, () -> { // a replay draws a new mask from rng, as running the op again would
            for (int i = 0; i < Y.length; i++) {
                mask[i] = rng.nextFloat() >= p ? scale : 0f;
                Y[i] = X[i] * mask[i];
            }
        });
        if (Tape.needsGrad(a)) Tape.record(out, () -> {
            float[] g = out.grad(), dX = a.grad();
            for (int i = 0; i < g.length; i++) dX[i] += g[i] * mask[i];
        });
        return out;
    }
}
