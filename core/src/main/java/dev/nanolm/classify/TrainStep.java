// One optimisation step of a classifier on one batch (forward, cross-entropy, backward, clip, Adam), shared by
// ClassifyTrainer and bench's ClassifyBench so the benchmark times exactly what training runs.
package dev.nanolm.classify;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.optim.GradClip;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.train.NonFiniteLossException;
import java.util.List;

public final class TrainStep {
    /** A step's mean loss over the batch and how many of its rows the model got right (before the update). */
    public record Result(float loss, int correct) {}

    private final TextClassifier model;
    private final AdamW opt;
    private final List<Parameter> params;
    private final float gradClip;
    private final Arena arena = new Arena();
    private long steps;

    public TrainStep(TextClassifier model, AdamW opt, float gradClip) {
        this.model = model;
        this.opt = opt;
        this.params = model.parameters();
        this.gradClip = gradClip;
    }

    /** Steps taken so far (set when resuming, for the error message of a non-finite loss). */
    public long steps() { return steps; }

    public void setSteps(long n) { steps = n; }

    /** One step on b; rng draws the dropout masks. */
    public Result run(Batches.Batch b, Rng rng) {
        float loss;
        int correct = 0;
        try (var st = arena.step()) { // this step's activations and gradients reuse the last step's arrays
            opt.zeroGrad();
            Tensor logits = model.logits(b.ids(), b.lengths(), b.B(), b.T(), rng); // (B, classes)
            Tensor l = Ops.crossEntropy(logits, b.labels());
            Tape.backward(l);
            loss = l.item();
            int C = logits.dim(1);
            for (int r = 0; r < b.B(); r++) {
                int arg = 0;
                for (int c = 1; c < C; c++) if (logits.data[r * C + c] > logits.data[r * C + arg]) arg = c;
                if (arg == b.labels()[r]) correct++;
            }
            if (!Float.isFinite(loss)) throw new NonFiniteLossException(steps + 1, opt.lr());
            if (gradClip > 0) GradClip.clipGlobalNorm(params, gradClip);
            opt.step();
        }
        steps++;
        return new Result(loss, correct);
    }
}
