// Optimizer and learning-rate schedule settings, validated; builds the Optimizer and LrSchedule.
package dev.nanolm.optim;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.nn.Parameter;
import java.util.List;

public record OptimConfig(String optimizer, float learningRate, String schedule, long stepAt, float stepTo,
                          int warmupIters, int decayIters, float minLr, float momentum, float weightDecay,
                          float beta1, float beta2, float gradClip, float l2) {
    public OptimConfig {
        if (!optimizer.equals("sgd") && !optimizer.equals("adamw"))
            throw new ConfigException("--optimizer must be sgd or adamw, got '" + optimizer + "'", "use --optimizer adamw");
        if (!(learningRate > 0)) throw new ConfigException("--learning-rate must be positive, got " + learningRate, "try --learning-rate 0.001");
        if (!List.of("constant", "step", "cosine").contains(schedule))
            throw new ConfigException("--lr-schedule must be constant, step or cosine, got '" + schedule + "'", "use --lr-schedule cosine");
        if (stepTo < 0 || minLr < 0 || momentum < 0 || momentum >= 1 || weightDecay < 0 || gradClip < 0 || l2 < 0)
            throw new ConfigException("learning-rate settings must be non-negative (and momentum < 1)", "check --lr-step-to, --min-lr, --momentum, --weight-decay, --grad-clip, --l2");
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1)
            throw new ConfigException("--beta1 and --beta2 must be in [0, 1), got " + beta1 + ", " + beta2, "use --beta1 0.9 --beta2 0.99");
        if (warmupIters < 0 || decayIters < 0) throw new ConfigException("--warmup-iters and --lr-decay-iters must be >= 0", "use --warmup-iters 100");
    }

    public static OptimConfig from(Settings s) {
        return new OptimConfig(s.str("optimizer"), s.number("learning-rate"), s.str("lr-schedule"), s.longValue("lr-step-at"),
                s.number("lr-step-to"), s.integer("warmup-iters"), s.integer("lr-decay-iters"), s.number("min-lr"), s.number("momentum"),
                s.number("weight-decay"), s.number("beta1"), s.number("beta2"), s.number("grad-clip"), s.number("l2"));
    }

    public Optimizer build(List<Parameter> params) {
        return optimizer.equals("sgd")
                ? new Sgd(params, learningRate, momentum, weightDecay)
                : new AdamW(params, learningRate, beta1, beta2, 1e-8f, weightDecay);
    }

    public LrSchedule schedule(int maxIters) {
        return switch (schedule) {
            case "constant" -> LrSchedule.constant(learningRate);
            case "step" -> LrSchedule.steps(learningRate, new long[] {stepAt}, new float[] {stepTo});
            default -> LrSchedule.cosineWithWarmup(learningRate, minLr, warmupIters, decayIters > 0 ? decayIters : maxIters);
        };
    }
}
