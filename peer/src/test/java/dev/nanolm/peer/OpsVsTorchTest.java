// nanolm's autograd ops against libtorch: same random inputs and weights, then the forward outputs and the
// gradients of a random projection loss sum(out * R) w.r.t. every input must agree within stated tolerances.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsVsTorchTest extends PeerTest {
    // float32 on both sides; errors grow with the reduction length, so long reductions get a looser atol.
    private static final double ATOL = 1e-5, RTOL = 1e-4;

    private Rng rng;

    /** The kernel set the ops run with; OpsVsTorchScalarTest reruns every test with the scalar reference. */
    protected Kernels kernels() { return Kernels.get(); }

    @BeforeEach void useKernels() {
        Ops.setKernels(kernels());
        rng = new Rng(20261123);
    }

    @AfterEach void defaultKernels() { Ops.setKernels(null); }

    /**
     * Runs f on copies of inputs in nanolm and g in torch, then compares out and d(sum(out*R))/d(input) for every
     * input. Returns the nanolm output for further checks.
     */
    private Tensor check(String name, Tensor[] inputs, Function<Tensor[], Tensor> f, Function<NDArray[], NDArray> g,
                         double atol, double rtol) {
        int n = inputs.length;
        Tensor[] in = new Tensor[n];
        for (int i = 0; i < n; i++) in[i] = inputs[i].copy().requiresGrad(true);
        Tensor out = f.apply(in);
        Tensor r = Torch.randn(rng, 1f, out.shape);
        Tape.backward(Ops.sum(Ops.mul(out, r)));

        NDArray[] tin = new NDArray[n];
        for (int i = 0; i < n; i++) tin[i] = Torch.nd(m, inputs[i], true);
        NDArray tout;
        try (GradientCollector gc = Torch.gradients()) {
            tout = g.apply(tin);
            gc.backward(TorchRef.project(tout, Torch.nd(m, r)));
        }
        Tensor expected = Torch.tensor(tout);
        if (expected.numel() == 1 && out.numel() == 1) // a 0-d torch scalar and nanolm's scalar shape may differ
            TorchAssert.assertClose(name + " forward", expected.data, out.data, atol, rtol);
        else
            TorchAssert.assertClose(name + " forward", expected, out, atol, rtol);
        for (int i = 0; i < n; i++)
            TorchAssert.assertClose(name + " d/d(input " + i + ")", Torch.grad(tin[i]), in[i].grad(), atol, rtol);
        return out;
    }

    private Tensor check(String name, Tensor[] inputs, Function<Tensor[], Tensor> f, Function<NDArray[], NDArray> g) {
        return check(name, inputs, f, g, ATOL, RTOL);
    }

    private Tensor randn(int... shape) { return Torch.randn(rng, 1f, shape); }

    // ---------------------------------------------------------------- matmul

    @Test void matmulNN() {
        check("matmul NN (13,37)@(37,29)", new Tensor[] {randn(13, 37), randn(37, 29)},
                t -> Ops.matmul(t[0], t[1]), a -> a[0].matMul(a[1]));
    }

    @Test void matmulNT() {
        check("matmulNT (13,37)@(29,37)^T", new Tensor[] {randn(13, 37), randn(29, 37)},
                t -> Ops.matmulNT(t[0], t[1]), a -> a[0].matMul(a[1].transpose()));
    }

    @Test void matmulTN() {
        check("matmulTN (37,13)^T@(37,29)", new Tensor[] {randn(37, 13), randn(37, 29)},
                t -> Ops.matmulTN(t[0], t[1]), a -> a[0].transpose().matMul(a[1]));
    }

    @Test void matmulBatched() {
        check("matmul batched (3,13,37)@(3,37,29)", new Tensor[] {randn(3, 13, 37), randn(3, 37, 29)},
                t -> Ops.matmul(t[0], t[1]), a -> a[0].matMul(a[1]));
        check("matmulNT batched (2,3,13,37)@(2,3,29,37)^T", new Tensor[] {randn(2, 3, 13, 37), randn(2, 3, 29, 37)},
                t -> Ops.matmulNT(t[0], t[1]), a -> a[0].matMul(a[1].transpose(0, 1, 3, 2)));
        check("matmulTN batched (3,37,13)^T@(3,37,29)", new Tensor[] {randn(3, 37, 13), randn(3, 37, 29)},
                t -> Ops.matmulTN(t[0], t[1]), a -> a[0].transpose(0, 2, 1).matMul(a[1]));
    }

    @Test void matmulLeadingDimsTimesMatrix() {
        check("matmul (4,5,37)@(37,29)", new Tensor[] {randn(4, 5, 37), randn(37, 29)},
                t -> Ops.matmul(t[0], t[1]), a -> a[0].matMul(a[1]));
    }

    @Test void matmulLargeK() {
        // K = 1031: sums of ~1000 products of O(1) values; float32 rounding of order sqrt(K) * 6e-8 * |terms|
        check("matmul (7,1031)@(1031,9)", new Tensor[] {randn(7, 1031), randn(1031, 9)},
                t -> Ops.matmul(t[0], t[1]), a -> a[0].matMul(a[1]), 2e-4, 1e-4);
    }

    @Test void matmulAcrossBlockEdges() {
        // past one 96-row block, one 256-long K block and several column panels, none of them full
        check("matmul (133,301)@(301,71)", new Tensor[] {randn(133, 301), randn(301, 71)},
                t -> Ops.matmul(t[0], t[1]), a -> a[0].matMul(a[1]), 1e-4, 1e-4);
        check("matmulNT (133,301)@(71,301)^T", new Tensor[] {randn(133, 301), randn(71, 301)},
                t -> Ops.matmulNT(t[0], t[1]), a -> a[0].matMul(a[1].transpose()), 1e-4, 1e-4);
        check("matmulTN (301,133)^T@(301,71)", new Tensor[] {randn(301, 133), randn(301, 71)},
                t -> Ops.matmulTN(t[0], t[1]), a -> a[0].transpose().matMul(a[1]), 1e-4, 1e-4);
    }

    @Test void linear() {
        check("linear x(5,7,37) w(29,37) b(29)", new Tensor[] {randn(5, 7, 37), randn(29, 37), randn(29)},
                t -> Ops.linear(t[0], t[1], t[2]), a -> TorchRef.linear(a[0], a[1], a[2]));
    }

    // ---------------------------------------------------------------- softmax family

    @Test void softmaxLastDim() {
        Tensor x = Torch.randn(rng, 3f, 5, 7, 33);
        check("softmax (5,7,33)", new Tensor[] {x}, t -> Ops.softmax(t[0]), a -> a[0].softmax(-1));
    }

    @Test void logSoftmaxLastDim() {
        Tensor x = Torch.randn(rng, 3f, 5, 7, 33);
        check("logSoftmax (5,7,33)", new Tensor[] {x}, t -> Ops.logSoftmax(t[0]), a -> a[0].logSoftmax(-1));
    }

    @Test void softmaxOfLargeLogitsIsStable() {
        Tensor x = Torch.randn(rng, 3f, 3, 19);
        for (int i = 0; i < x.numel(); i++) x.data[i] += 80f; // exp(80+) overflows float without the max shift
        check("softmax shifted by +80 (3,19)", new Tensor[] {x}, t -> Ops.softmax(t[0]), a -> a[0].softmax(-1));
    }

    @Test void crossEntropyWithIgnoredIndex() {
        int n = 37, c = 27, ignore = -1;
        Tensor logits = Torch.randn(rng, 2f, n, c);
        int[] targets = Torch.randint(rng, c, n);
        targets[0] = ignore; targets[11] = ignore; targets[36] = ignore;
        Tensor loss = check("crossEntropy (37,27) with 3 ignored", new Tensor[] {logits},
                t -> Ops.crossEntropy(t[0], targets, ignore), a -> TorchRef.crossEntropy(a[0], targets, ignore));
        assertEquals(Ref64.crossEntropy(logits.data, n, c, targets, ignore), loss.item(), 1e-5, "vs double formula");
    }

    @Test void crossEntropyOfSequenceLogits() {
        // (B,T,C) logits are read as (B*T, C), as nanoGPT's F.cross_entropy(logits.view(-1, C), targets.view(-1))
        int b = 4, t = 7, c = 27;
        Tensor logits = Torch.randn(rng, 2f, b, t, c);
        int[] targets = Torch.randint(rng, c, b * t);
        targets[5] = -1;
        check("crossEntropy (4,7,27) with 1 ignored", new Tensor[] {logits},
                x -> Ops.crossEntropy(x[0], targets, -1), a -> TorchRef.crossEntropy(a[0].reshape(b * t, c), targets, -1));
    }

    // ---------------------------------------------------------------- normalisation

    @Test void layerNorm() {
        int c = 45;
        Tensor x = Torch.randn(rng, 2f, 6, 11, c);
        for (int i = 0; i < x.numel(); i++) x.data[i] += 3f; // a mean far from zero, as after a residual add
        check("layerNorm (6,11,45)", new Tensor[] {x, randn(c), randn(c)},
                t -> Ops.layerNorm(t[0], t[1], t[2], 1e-5f), a -> TorchRef.layerNorm(a[0], a[1], a[2], 1e-5f));
    }

    @Test void layerNormWithoutBias() {
        // nanoGPT's bias=False: torch gets a zero bias, which changes neither the output nor the other gradients
        int c = 45;
        Tensor x = Torch.randn(rng, 2f, 6, 11, c);
        check("layerNorm no bias (6,11,45)", new Tensor[] {x, randn(c)},
                t -> Ops.layerNorm(t[0], t[1], null, 1e-5f),
                a -> TorchRef.layerNorm(a[0], a[1], a[1].zerosLike(), 1e-5f));
    }

    @Test void batchNormOverSequencesChannelsLast() {
        // (N,L,C): statistics over N and L, as torch's BatchNorm1d on the (N,C,L) transpose
        int c = 23;
        Tensor rm = Tensor.zeros(c), rv = Tensor.zeros(c);
        java.util.Arrays.fill(rv.data, 1f);
        Tensor nrm = rm.copy(), nrv = rv.copy();
        NDArray trm = Torch.nd(m, rm), trv = Torch.nd(m, rv);
        check("batchNorm train (4,9,23)", new Tensor[] {Torch.randn(rng, 2f, 4, 9, c), randn(c), randn(c)},
                t -> Ops.batchNorm(t[0], t[1], t[2], nrm, nrv, true, 0.1f, 1e-5f),
                a -> TorchRef.batchNorm(a[0], a[1], a[2], trm, trv, true, 0.1f, 1e-5f));
        TorchAssert.assertClose("batchNorm (4,9,23) running mean", Torch.floats(trm), nrm.data, 1e-6, 1e-5);
        TorchAssert.assertClose("batchNorm (4,9,23) running var", Torch.floats(trv), nrv.data, 1e-6, 1e-5);
    }

    @Test void batchNormTrainingWithRunningStats() {
        int c = 23;
        float momentum = 0.1f, eps = 1e-5f;
        Tensor x = Torch.randn(rng, 2f, 37, c);
        Tensor rm = randn(c), rv = Torch.randn(rng, 0.3f, c);
        for (int i = 0; i < c; i++) rv.data[i] = 1 + Math.abs(rv.data[i]);
        Tensor nrm = rm.copy(), nrv = rv.copy();
        NDArray trm = Torch.nd(m, rm), trv = Torch.nd(m, rv);
        check("batchNorm train (37,23)", new Tensor[] {x, randn(c), randn(c)},
                t -> Ops.batchNorm(t[0], t[1], t[2], nrm, nrv, true, momentum, eps),
                a -> TorchRef.batchNorm(a[0], a[1], a[2], trm, trv, true, momentum, eps));
        TorchAssert.assertClose("batchNorm running mean", Torch.floats(trm), nrm.data, 1e-6, 1e-5);
        TorchAssert.assertClose("batchNorm running var (unbiased)", Torch.floats(trv), nrv.data, 1e-6, 1e-5);

        // evaluation mode then normalises with the updated running statistics
        check("batchNorm eval (37,23)", new Tensor[] {randn(37, c), randn(c), randn(c)},
                t -> Ops.batchNorm(t[0], t[1], t[2], nrm, nrv, false, momentum, eps),
                a -> TorchRef.batchNorm(a[0], a[1], a[2], trm, trv, false, momentum, eps));
    }

    // ---------------------------------------------------------------- activations, lookup, reductions

    @Test void tanh() {
        check("tanh (9,67)", new Tensor[] {Torch.randn(rng, 2f, 9, 67)}, t -> Ops.tanh(t[0]), a -> a[0].tanh());
    }

    @Test void geluTanhApproximation() {
        check("gelu tanh-approx (9,67)", new Tensor[] {Torch.randn(rng, 3f, 9, 67)},
                t -> Ops.gelu(t[0]), a -> TorchRef.geluTanh(a[0]));
    }

    @Test void embeddingWithRepeatedIndices() {
        int[] idx = Torch.randint(rng, 27, 5 * 3);
        idx[4] = idx[0]; idx[9] = idx[0]; // the weight gradient must accumulate repeats
        check("embedding (27,10)[5,3]", new Tensor[] {randn(27, 10)},
                t -> Ops.embedding(t[0], idx, 5, 3), a -> TorchRef.embedding(a[0], Torch.indices(m, idx, 5, 3)));
    }

    @Test void sumAndMean() {
        check("sum (7,13) as 0-d", new Tensor[] {randn(7, 13)}, t -> Ops.sum(t[0]), a -> a[0].sum());
        check("mean (7,13) as 0-d", new Tensor[] {randn(7, 13)}, t -> Ops.mean(t[0]), a -> a[0].mean());
    }
}
