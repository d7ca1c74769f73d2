// The makemore part-2 MLP (embedding (27,10), context 3 -> Linear(30,200) -> tanh -> Linear(200,27) -> cross-entropy)
// in nanolm and in libtorch with the same weights: same loss, same parameter gradients, same SGD and AdamW trajectories.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.nn.BatchNorm1d;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.Module;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.optim.Sgd;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MlpVsTorchTest extends PeerTest {
    static final int V = 27, E = 10, CTX = 3, H = 200, N = 100, EXAMPLES = 1000;
    // losses are means over 100 rows of O(1) values; gradients are sums of up to 100 rows x 200 hidden units
    static final double LOSS_TOL = 1e-5, ATOL = 1e-5, RTOL = 1e-4;

    /** nanolm's model: the parameters are C.weight, l1.weight, l1.bias, l2.weight, l2.bias (PyTorch's order). */
    static class Mlp extends Module {
        final Embedding c;
        final Linear l1, l2;

        Mlp(Rng rng) { this(rng, true); }

        Mlp(Rng rng, boolean hiddenBias) {
            c = add("C", new Embedding(V, E, rng));
            l1 = add("l1", new Linear(CTX * E, H, hiddenBias, rng));
            l2 = add("l2", new Linear(H, V, true, rng));
        }

        Tensor hidden(Tensor emb) { return Ops.tanh(l1.forward(emb)); }

        Tensor loss(int[] x, int[] y) {
            int n = y.length;
            Tensor emb = Ops.reshape(c.forward(x, n, CTX), n, CTX * E);
            return Ops.crossEntropy(l2.forward(hidden(emb)), y, -1);
        }
    }

    /** makemore part 3's variant: the first Linear has no bias and is followed by BatchNorm1d(200) before tanh. */
    static final class MlpBn extends Mlp {
        final BatchNorm1d bn;

        MlpBn(Rng rng) {
            super(rng, false);
            bn = add("bn", new BatchNorm1d(H));
        }

        @Override Tensor hidden(Tensor emb) { return Ops.tanh(bn.forward(l1.forward(emb))); }
    }

    /**
     * The same model in torch ops, on leaves copied from nanolm's parameters and buffers (keyed by nanolm's names);
     * with "bn.*" entries it is the batch-norm variant.
     */
    static final class TorchMlp {
        final Map<String, NDArray> p = new LinkedHashMap<>(), buffers = new LinkedHashMap<>();
        final NDManager m;
        boolean training = true;

        TorchMlp(NDManager m, Module net) {
            this.m = m;
            for (Parameter q : net.parameters()) p.put(q.name(), Torch.nd(m, q.value(), true));
            for (Map.Entry<String, Tensor> b : net.buffers().entrySet()) buffers.put(b.getKey(), Torch.nd(m, b.getValue()));
        }

        NDArray loss(int[] x, int[] y) {
            int n = y.length;
            NDArray emb = TorchRef.embedding(p.get("C.weight"), Torch.indices(m, x, n, CTX)).reshape(n, CTX * E);
            NDArray pre = TorchRef.linear(emb, p.get("l1.weight"), p.get("l1.bias"));
            if (p.containsKey("bn.weight"))
                pre = TorchRef.batchNorm(pre, p.get("bn.weight"), p.get("bn.bias"), buffers.get("bn.running_mean"),
                        buffers.get("bn.running_var"), training, 0.1f, 1e-5f);
            NDArray h = pre.tanh();
            return TorchRef.crossEntropy(TorchRef.linear(h, p.get("l2.weight"), p.get("l2.bias")), y, -1);
        }

        /** Forward and backward; returns the loss. Gradients accumulate as in torch, so zero them between steps. */
        float lossAndGrads(int[] x, int[] y) {
            try (GradientCollector gc = Torch.gradients()) {
                NDArray loss = loss(x, y);
                gc.backward(loss);
                return loss.getFloat();
            }
        }

        void zeroGrad() {
            for (NDArray t : p.values()) try (NDArray g = t.getGradient()) { g.subi(g); }
        }
    }

    private Rng rng;
    private int[] dataX, dataY;

    @BeforeEach void data() {
        rng = new Rng(1234);
        // random contexts; the next character follows the last one in 80% of examples, so there is something to learn
        dataX = Torch.randint(rng, V, EXAMPLES * CTX);
        dataY = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++)
            dataY[i] = rng.nextFloat() < 0.8f ? (dataX[i * CTX + CTX - 1] + 1) % V : rng.nextInt(V);
    }

    /** A minibatch of N examples drawn with the seeded RNG: {x (N*CTX), y (N)}. */
    private int[][] batch() {
        int[] x = new int[N * CTX], y = new int[N];
        for (int i = 0; i < N; i++) {
            int j = rng.nextInt(EXAMPLES);
            System.arraycopy(dataX, j * CTX, x, i * CTX, CTX);
            y[i] = dataY[j];
        }
        return new int[][] {x, y};
    }

    private static void assertSameParams(String when, Mlp net, TorchMlp t, double atol, double rtol) {
        for (Parameter q : net.parameters())
            TorchAssert.assertClose(when + " " + q.name(), Torch.floats(t.p.get(q.name())), q.value().data, atol, rtol);
    }

    /**
     * Mean loss over every example, without recording, in evaluation mode (so batch norm uses and does not
     * update its running statistics); the model's mode is restored.
     */
    private float fullLoss(Mlp net) {
        boolean wasTraining = net.training();
        net.eval();
        try (var g = Tape.noGrad()) {
            return net.loss(dataX, dataY).item();
        } finally {
            net.train(wasTraining);
        }
    }

    @Test void lossAndEveryParameterGradientMatch() {
        Mlp net = new Mlp(new Rng(42));
        List<Parameter> params = net.parameters();
        assertEquals(List.of("C.weight", "l1.weight", "l1.bias", "l2.weight", "l2.bias"),
                params.stream().map(Parameter::name).toList());
        TorchMlp t = new TorchMlp(m, net);
        int[][] b = batch();

        Tensor loss = net.loss(b[0], b[1]);
        Tape.backward(loss);
        float tloss = t.lossAndGrads(b[0], b[1]);

        // at init (N(0,1) embeddings, torch-default Linear init) the loss is a little above ln 27 = 3.30
        assertTrue(loss.item() > 3 && loss.item() < 5, "initial loss " + loss.item());
        assertEquals(tloss, loss.item(), LOSS_TOL, "loss");
        for (Parameter q : params)
            TorchAssert.assertClose("d loss/d " + q.name(), Torch.grad(t.p.get(q.name())), q.value().grad(), ATOL, RTOL);
    }

    @Test void fiveSgdStepsFollowTheSameLosses() {
        sgdSteps(new Mlp(new Rng(43)));
    }

    @Test void batchNormVariantFollowsTheSameLossesAndRunningStats() {
        MlpBn net = new MlpBn(new Rng(45));
        TorchMlp t = sgdSteps(net);
        for (Map.Entry<String, Tensor> b : net.buffers().entrySet())
            TorchAssert.assertClose("after 5 SGD steps " + b.getKey(), Torch.floats(t.buffers.get(b.getKey())), b.getValue().data, ATOL, RTOL);
        // evaluation mode normalises with the running statistics in both
        net.eval();
        t.training = false;
        assertEquals(t.loss(dataX, dataY).getFloat(), fullLoss(net), LOSS_TOL, "eval-mode loss on all examples");
    }

    /** 5 steps of plain SGD (lr 0.1) on the same minibatches in both; returns the torch model for further checks. */
    private TorchMlp sgdSteps(Mlp net) {
        float lr = 0.1f;
        TorchMlp t = new TorchMlp(m, net);
        Sgd sgd = new Sgd(net.parameters(), lr);
        NDArray lrArr = Torch.scalar(m, lr);
        float[] ours = new float[5], theirs = new float[5];
        float before = fullLoss(net);
        for (int step = 0; step < 5; step++) {
            int[][] b = batch();
            sgd.zeroGrad();
            Tensor loss = net.loss(b[0], b[1]);
            Tape.backward(loss);
            sgd.step();
            ours[step] = loss.item();

            t.zeroGrad();
            theirs[step] = t.lossAndGrads(b[0], b[1]);
            // torch.optim.SGD without momentum: p -= lr * grad (grad mode is off outside the collector)
            for (NDArray p : t.p.values()) try (NDArray g = p.getGradient()) { p.subi(g.mul(lrArr)); }
        }
        TorchAssert.assertClose("SGD losses", theirs, ours, LOSS_TOL, RTOL);
        assertSameParams("after 5 SGD steps", net, t, ATOL, RTOL);
        float after = fullLoss(net);
        assertTrue(after < before, "5 SGD steps should lower the loss on all examples: " + before + " -> " + after);
        return t;
    }

    @Test void threeAdamWStepsMatchTorchOptimAdamW() {
        float lr = 1e-2f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.1f;
        Mlp net = new Mlp(new Rng(44));
        TorchMlp t = new TorchMlp(m, net);
        AdamW opt = new AdamW(net.parameters(), lr, b1, b2, eps, wd);
        // nanoGPT's two parameter groups: decay for matrices and embeddings (rank >= 2), none for biases
        Map<String, Float> decay = new LinkedHashMap<>();
        for (Parameter q : net.parameters()) decay.put(q.name(), q.rank() >= 2 ? wd : 0f);
        TorchRef.AdamW topt = new TorchRef.AdamW(t.p, decay, lr, b1, b2, eps);
        float[] ours = new float[3], theirs = new float[3];
        for (int step = 0; step < 3; step++) {
            int[][] b = batch();
            opt.zeroGrad();
            Tensor loss = net.loss(b[0], b[1]);
            Tape.backward(loss);
            opt.step();
            ours[step] = loss.item();

            t.zeroGrad();
            theirs[step] = t.lossAndGrads(b[0], b[1]);
            topt.step();
        }
        TorchAssert.assertClose("AdamW losses", theirs, ours, LOSS_TOL, RTOL);
        assertSameParams("after 3 AdamW steps", net, t, ATOL, RTOL);
    }
}
