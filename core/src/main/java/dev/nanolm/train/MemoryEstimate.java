// An up-front estimate of the heap a training run needs (activations of one batch, parameters, optimizer state),
// so that a batch too big for the heap is refused with advice before data loading and minutes of work, not by an OOM.
package dev.nanolm.train;

import dev.nanolm.config.ConfigException;
import dev.nanolm.models.BdhConfig;
import dev.nanolm.models.GptConfig;
import dev.nanolm.models.ModelConfig;
import dev.nanolm.models.SeqConfig;

/**
 * Deliberately a lower bound (forward activations with a modest allowance for their gradients, which the arena
 * reuses step to step): a run it refuses cannot fit, while every bundled preset passes with the launcher's 8 GiB.
 * Counts are doubles so absurd sizes (--n-embd 2000000000) do not overflow.
 */
public record MemoryEstimate(double activationBytes, double parameterBytes, double largestArray, String largestWhat) {
    /** Gradients of the activations live beside them, but not all at once; 1.5 stays under what a step really uses. */
    static final double GRAD_ALLOWANCE = 1.5;
    /** Parameter, gradient and two AdamW moments, 4 bytes each. */
    static final double BYTES_PER_PARAM = 16;
    static final double GIB = 1024.0 * 1024 * 1024;

    /** The estimate for a model config and B examples per micro-batch (B = examples in the whole split with batch-size 0). */
    public static MemoryEstimate of(Record cfg, long B) {
        double act, params, largest;
        String what;
        if (cfg instanceof GptConfig g) {
            double T = g.blockSize(), C = g.nEmbd(), V = g.vocabSize(), L = g.nLayer(), H = g.nHead();
            double tp = Math.ceil(T / 16) * 16; // saved attention rows are padded to the vector width
            double perToken = L * (16 * C + H * tp * (g.dropout() > 0 ? 2 : 1)) + 3 * V + 4 * C;
            act = B * T * perToken;
            params = 12 * L * C * C + 2 * V * C + T * C;
            largest = Math.max(Math.max(B * T * 4 * C, B * H * T * tp), Math.max(B * T * V, 4 * C * C));
            what = "attention or MLP activations of batch x block";
        } else if (cfg instanceof BdhConfig b) {
            double T = b.blockSize(), D = b.nEmbd(), V = b.vocabSize(), L = b.nLayer(), H = b.nHead(), neurons = (double) H * b.neuronsPerHead();
            // per layer: about ten (nh*N)-wide neuron tensors (latents, their transposes, ReLUs, RoPE, product),
            // the per-head attention outputs (nh*D, three times) and the saved strictly causal scores (nh*T)
            double perToken = L * (10 * neurons + 3 * H * D + H * T + 6 * D) + 3 * V + 2 * D;
            act = B * T * perToken;
            params = 3 * neurons * D + 2 * V * D;
            largest = Math.max(Math.max(B * T * neurons, B * H * T * T), B * T * V);
            what = "neuron activations or attention scores of batch x block";
        } else if (cfg instanceof SeqConfig s) {
            double T = s.blockSize(), E = s.nEmbd(), Hd = s.nHidden(), V = s.vocabSize(), L = s.nLayer();
            boolean bow = s.type().equals("bow");
            double perToken = 2 * E + L * Hd * 12 + 3 * V + (bow ? T : 0);
            act = B * T * perToken;
            params = V * E + L * 4 * (E + Hd) * Hd + Hd * V + (bow ? E * Hd * 2 : 0);
            largest = Math.max(Math.max(B * T * 4 * Hd, B * T * V), Math.max(bow ? B * T * T : 0, 4 * (E + Hd) * Hd));
            what = "activations of batch x block";
        } else if (cfg instanceof ModelConfig m) {
            double T = m.blockSize(), E = m.nEmbd(), V = m.vocabSize();
            double Hd = m.type().startsWith("bigram") ? 0 : m.nHidden(); // a bigram has no hidden layer
            double levels = Math.max(1, Math.ceil(Math.log(Math.max(T, 1)) / Math.log(2)));
            act = B * (2 * T * E + 8 * Hd * levels + 3 * V);
            params = V * E + T * E * Hd + Hd * V + (m.type().equals("wavenet") ? 2 * Hd * Hd * levels : 0);
            largest = Math.max(Math.max(B * T * E, B * Hd), Math.max(B * V, T * E * Hd));
            what = "a weight matrix or batch activations";
        } else {
            return new MemoryEstimate(0, 0, 0, "");
        }
        return new MemoryEstimate(4 * act * GRAD_ALLOWANCE, BYTES_PER_PARAM * params, largest, what);
    }

    public double totalBytes() { return activationBytes + parameterBytes; }

    /**
     * Refuses a run that cannot fit: one array beyond Java's limit, or more bytes than maxHeap. The message gives
     * the figures and the hint what to reduce (batch first: --grad-accum keeps the effective batch).
     */
    public void check(long maxHeap, long B, int blockSize) { check(maxHeap, B, blockSize, physicalMemory()); }

    /** As check(maxHeap, B, blockSize) on a machine with physicalBytes of memory (0 = unknown). */
    void check(long maxHeap, long B, int blockSize, long physicalBytes) {
        if (largestArray > Integer.MAX_VALUE - 16)
            throw new ConfigException(String.format("these sizes need one array of %.3g floats (%s), more than Java's limit of 2^31",
                    largestArray, largestWhat),
                    "reduce --batch-size, --block-size, --n-embd or --n-hidden");
        if (totalBytes() <= maxHeap) return;
        double spare = maxHeap - parameterBytes;
        long fitB = spare <= 0 ? 0 : (long) Math.floor(B * spare / activationBytes);
        String reduce = fitB >= 1 && fitB < B
                ? String.format("use --batch-size %d or less (with --grad-accum %d to keep the effective batch)", fitB, (B + fitB - 1) / fitB)
                : "use a smaller model (--n-embd, --n-layer, --n-hidden) or --block-size";
        throw new ConfigException(String.format("training needs about %.1f GiB of heap (activations of batch %d x block %d: %.1f GiB; "
                        + "parameters and optimizer state: %.2f GiB) but Java may use %.1f GiB",
                totalBytes() / GIB, B, blockSize, activationBytes / GIB, parameterBytes / GIB, maxHeap / GIB),
                reduce + moreHeap(physicalBytes));
    }

    /** The heap to ask for: the estimate plus a quarter, in whole GiB; or why more heap cannot help here. */
    String moreHeap(long physicalBytes) {
        long gib = (long) Math.ceil(totalBytes() * 1.25 / GIB);
        if (physicalBytes > 0 && gib * GIB > physicalBytes)
            return String.format("; more heap would not help: this machine has %.0f GiB of memory", physicalBytes / GIB);
        return ", or give Java more heap: NANOLM_HEAP=" + gib + "g bin/nanolm ...";
    }

    private static long physicalMemory() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
    }
}
