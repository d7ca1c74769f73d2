// Matrix products (NN, NT, TN layouts, plain and batched) and the linear layer op.
// Each backward uses the other two layouts, so no transposed copies are ever made.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

final class MatmulOps {
    private MatmulOps() {}

    /** Number of matrices in a batched operand: product of all dims but the last two. */
    private static int batchOf(String op, Tensor a, Tensor b) {
        if (a.rank() != b.rank()) throw OpUtil.mismatch(op, a, b, "need equal ranks for a batched product");
        for (int i = 0; i < a.rank() - 2; i++)
            if (a.shape[i] != b.shape[i]) throw OpUtil.mismatch(op, a, b, "have different batch dims");
        return OpUtil.prod(a.shape, 0, a.rank() - 2);
    }

    // ---------------------------------------------------------------- c = a b

    /** a (...,M,K) @ b (K,N) with a's leading dims flattened into M, or batched with equal leading dims. */
    static Tensor matmul(Tensor a, Tensor b) {
        Kernels k = Ops.kernels();
        if (a.rank() < 1 || b.rank() < 2) throw OpUtil.mismatch("matmul", a, b, "need a of rank >= 1 and b of rank >= 2");
        if (b.rank() == 2) {
            int K = b.dim(0), N = b.dim(1);
            if (a.dim(-1) != K) throw OpUtil.mismatch("matmul", a, b, "do not fit (a's last dim must equal b's first)");
            int M = OpUtil.prod(a.shape, 0, a.rank() - 1);
            Tensor out = Tensor.zeros(OpUtil.prefixPlus(a.shape, a.rank() - 1, N));
            Tape.compute(out, () -> k.matmulNN(a.data, 0, b.data, 0, out.data, 0, M, N, K, false));
            if (Tape.needsGrad(a, b)) Tape.record(out, () -> {
                float[] dC = out.grad();
                if (a.requiresGrad) k.matmulNT(dC, 0, b.data, 0, a.grad(), 0, M, K, N, true); // dA += dC B^T
                if (b.requiresGrad) k.matmulTN(a.data, 0, dC, 0, b.grad(), 0, K, N, M, true); // dB += A^T dC
            });
            return out;
        }
        int batch = batchOf("matmul", a, b);
        int M = a.dim(-2), K = a.dim(-1), N = b.dim(-1);
        if (b.dim(-2) != K) throw OpUtil.mismatch("matmul", a, b, "do not fit (a's last dim must equal b's second last)");
        Tensor out = Tensor.zeros(OpUtil.withDim(a.shape, a.rank() - 1, N));
        Tape.compute(out, () -> { for (int i = 0; i < batch; i++) k.matmulNN(a.data, i * M * K, b.data, i * K * N, out.data, i * M * N, M, N, K, false); });
        if (Tape.needsGrad(a, b)) Tape.record(out, () -> {
            float[] dC = out.grad();
            for (int i = 0; i < batch; i++) {
                if (a.requiresGrad) k.matmulNT(dC, i * M * N, b.data, i * K * N, a.grad(), i * M * K, M, K, N, true);
                if (b.requiresGrad) k.matmulTN(a.data, i * M * K, dC, i * M * N, b.grad(), i * K * N, K, N, M, true);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- c = a b^T

    /** a (...,M,K) @ b^T with b (N,K), or batched b (B...,N,K) with a (B...,M,K). */
    static Tensor matmulNT(Tensor a, Tensor b) {
        Kernels k = Ops.kernels();
        if (a.rank() < 1 || b.rank() < 2) throw OpUtil.mismatch("matmulNT", a, b, "need a of rank >= 1 and b of rank >= 2");
        if (b.rank() == 2) {
            int N = b.dim(0), K = b.dim(1);
            if (a.dim(-1) != K) throw OpUtil.mismatch("matmulNT", a, b, "do not fit (last dims must be equal)");
            int M = OpUtil.prod(a.shape, 0, a.rank() - 1);
            Tensor out = Tensor.zeros(OpUtil.prefixPlus(a.shape, a.rank() - 1, N));
            Tape.compute(out, () -> k.matmulNT(a.data, 0, b.data, 0, out.data, 0, M, N, K, false));
            if (Tape.needsGrad(a, b)) Tape.record(out, () -> {
                float[] dC = out.grad();
                if (a.requiresGrad) k.matmulNN(dC, 0, b.data, 0, a.grad(), 0, M, K, N, true); // dA += dC B
                if (b.requiresGrad) k.matmulTN(dC, 0, a.data, 0, b.grad(), 0, N, K, M, true); // dB += dC^T A
            });
            return out;
        }
        int batch = batchOf("matmulNT", a, b);
        int M = a.dim(-2), K = a.dim(-1), N = b.dim(-2);
        if (b.dim(-1) != K) throw OpUtil.mismatch("matmulNT", a, b, "do not fit (last dims must be equal)");
        Tensor out = Tensor.zeros(OpUtil.withDim(a.shape, a.rank() - 1, N));
        Tape.compute(out, () -> { for (int i = 0; i < batch; i++) k.matmulNT(a.data, i * M * K, b.data, i * N * K, out.data, i * M * N, M, N, K, false); });
        if (Tape.needsGrad(a, b)) Tape.record(out, () -> {
            float[] dC = out.grad();
            for (int i = 0; i < batch; i++) {
                if (a.requiresGrad) k.matmulNN(dC, i * M * N, b.data, i * N * K, a.grad(), i * M * K, M, K, N, true);
                if (b.requiresGrad) k.matmulTN(dC, i * M * N, a.data, i * M * K, b.grad(), i * N * K, N, K, M, true);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- c = a^T b

    /** a^T @ b with a (B...,K,M), b (B...,K,N) -> (B...,M,N); rank 2 is the unbatched case. */
    static Tensor matmulTN(Tensor a, Tensor b) {
        Kernels k = Ops.kernels();
        if (a.rank() < 2 || b.rank() < 2) throw OpUtil.mismatch("matmulTN", a, b, "need ranks >= 2");
        int batch = batchOf("matmulTN", a, b);
        int K = a.dim(-2), M = a.dim(-1), N = b.dim(-1);
        if (b.dim(-2) != K) throw OpUtil.mismatch("matmulTN", a, b, "do not fit (second last dims must be equal)");
        Tensor out = Tensor.zeros(OpUtil.withDim(OpUtil.withDim(a.shape, a.rank() - 2, M), a.rank() - 1, N));
        Tape.compute(out, () -> { for (int i = 0; i < batch; i++) k.matmulTN(a.data, i * K * M, b.data, i * K * N, out.data, i * M * N, M, N, K, false); });
        if (Tape.needsGrad(a, b)) Tape.record(out, () -> {
            float[] dC = out.grad();
            for (int i = 0; i < batch; i++) {
                if (a.requiresGrad) k.matmulNT(b.data, i * K * N, dC, i * M * N, a.grad(), i * K * M, K, M, N, true); // dA += B dC^T
                if (b.requiresGrad) k.matmulNN(a.data, i * K * M, dC, i * M * N, b.grad(), i * K * N, K, N, M, true); // dB += A dC
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- linear

    /** y = x w^T + b with x (...,in), w (out,in), b (out) or null. */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        Kernels k = Ops.kernels();
        if (w.rank() != 2 || x.rank() < 1 || x.dim(-1) != w.dim(1))
            throw OpUtil.mismatch("linear", x, w, "do not fit (x (...,in) needs weight (out,in))");
        int in = w.dim(1), outF = w.dim(0);
        if (b != null && (b.rank() != 1 || b.dim(0) != outF))
            throw new ShapeException("linear: bias shape " + OpUtil.s(b) + " does not fit weight shape " + OpUtil.s(w));
        int M = OpUtil.prod(x.shape, 0, x.rank() - 1);
        Tensor y = Tensor.zeros(OpUtil.prefixPlus(x.shape, x.rank() - 1, outF));
        float[] Y = y.data;
        Tape.compute(y, () -> {
            k.matmulNT(x.data, 0, w.data, 0, Y, 0, M, outF, in, false);
            if (b != null) {
                float[] B = b.data;
                for (int r = 0; r < M; r++) {
                    int o = r * outF;
                    for (int j = 0; j < outF; j++) Y[o + j] += B[j];
                }
            }
        });
        if (Tape.needsGrad(x, w, b)) Tape.record(y, () -> {
            float[] dY = y.grad();
            if (x.requiresGrad) k.matmulNN(dY, 0, w.data, 0, x.grad(), 0, M, in, outF, true);  // dx += dy w
            if (w.requiresGrad) k.matmulTN(dY, 0, x.data, 0, w.grad(), 0, outF, in, M, true); // dw += dy^T x
            if (b != null && b.requiresGrad) {
                float[] dB = b.grad();
                for (int r = 0; r < M; r++) k.axpy(1f, dY, r * outF, dB, 0, outF);           // db += column sums of dy
            }
        });
        return y;
    }
}
