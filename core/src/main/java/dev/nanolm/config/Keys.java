// The registry of every setting a preset or a --key value override may name. Unknown keys are errors.
package dev.nanolm.config;

import java.util.LinkedHashMap;
import java.util.Map;

public final class Keys {
    private static final LinkedHashMap<String, Key> ALL = new LinkedHashMap<>();

    private static void k(String name, String def, String help) { ALL.put(name, new Key(name, def, help)); }

    static {
        // what to train on
        k("model", "mlp", "model type: bigram, bigram-nn, mlp, mlp-bn, wavenet, bow, rnn, gru, lstm, transformer (line items); gpt, gpt-lecture, gpt-lecture-default-init, gpt-lecture-video, gru-lm, bdh (text)");
        k("data", "names", "dataset name from the catalog (see `datasets`) or a path to a text file");
        k("seed", "1337", "seed of the one RNG (init, batches, dropout, sampling)");
        k("split-seed", "42", "seed of the shuffle that splits a line dataset 80/10/10 into train/dev/test");
        k("split", "80/10/10", "line datasets: train/dev/test percentages of the shuffled items (the lectures' 80/10/10)");
        k("split-shuffle", "python", "how line items are shuffled before the split: python (random.seed(split-seed); random.shuffle, bit for bit: the makemore lectures' split of names.txt), torch (torch.manual_seed(split-seed); torch.randperm, bit for bit: makemore.py's split, with --split-seed 3407) or nanolm (nanolm's own RNG, the split of runs made before this option)");
        k("threads", "0", "worker threads for kernels (0 = all cores)");
        // model shape
        k("block-size", "3", "context length in characters (0 with line items and a sequence model: longest item + 1)");
        k("n-embd", "10", "embedding width per character");
        k("n-hidden", "200", "hidden units: of the MLP, wavenet, bow; hidden state of rnn/gru/lstm (makemore's n_embd2)");
        k("n-layer", "4", "transformer blocks (gpt, transformer), stacked recurrent layers (rnn, gru, lstm, gru-lm) or bdh layers (sharing one set of weights)");
        k("n-head", "4", "attention heads per block (gpt; must divide n-embd) or bdh heads");
        k("mlp-multiplier", "64", "bdh: neurons per head N = mlp-multiplier * n-embd / n-head (bdh.py's mlp_internal_dim_multiplier)");
        k("dropout", "0.0", "dropout probability (gpt: attention and residual dropout; rnn/gru/lstm/gru-lm: between layers; bdh: on the neuron product)");
        k("bias", "false", "biases in Linear and LayerNorm layers (gpt)");
        k("init", "kaiming", "parameter init: kaiming (makemore part 3 fix), randn (makemore part 2), pytorch (PyTorch defaults)");
        k("bn-momentum", "0.1", "BatchNorm1d running-statistics momentum (mlp-bn, wavenet): 0.1 as PyTorch, 0.001 in makemore part 3");
        k("bn-variance", "biased", "BatchNorm1d's training-batch variance (mlp-bn, wavenet): biased as PyTorch's BatchNorm1d, or unbiased as the makemore lectures' x.var() / std() (the running variance is unbiased in both)");
        // optimisation
        k("optimizer", "sgd", "sgd or adamw");
        k("learning-rate", "0.1", "peak learning rate");
        k("lr-schedule", "step", "constant, step (learning-rate then lr-step-to from lr-step-at) or cosine (warmup + cosine to min-lr)");
        k("lr-step-at", "100000", "step schedule: the step from which lr-step-to is used");
        k("lr-step-to", "0.01", "step schedule: the learning rate after lr-step-at");
        k("warmup-iters", "0", "cosine schedule: linear warm-up steps");
        k("lr-decay-iters", "0", "cosine schedule: steps to decay over (0 = max-iters)");
        k("min-lr", "0", "cosine schedule: final learning rate");
        k("momentum", "0", "SGD momentum");
        k("weight-decay", "0", "weight decay (decoupled for AdamW, L2 for SGD)");
        k("weight-decay-on", "matrices", "which parameters AdamW decays: matrices (rank >= 2, nanoGPT) or all (torch.optim.AdamW's default)");
        k("beta1", "0.9", "AdamW beta1");
        k("beta2", "0.99", "AdamW beta2");
        k("grad-clip", "0", "clip gradients to this global L2 norm (0 = off)");
        k("l2", "0", "L2 penalty added to the loss: l2 * mean(W^2) over weight matrices (makemore's bigram-nn uses 0.01)");
        // loop
        k("batch-size", "32", "examples per step (0 = the whole training split)");
        k("grad-accum", "1", "micro-batches per optimizer step (gradient accumulation)");
        k("max-iters", "200000", "training steps");
        k("max-time", "0", "training-time budget (seconds, or 90s, 10m, 1h; 0 = off): stop at the first step after it (steps and evaluations count, summed over resumes); the lr schedule still runs over max-iters / lr-decay-iters");
        k("eval-interval", "10000", "steps between evaluations (and checkpoints)");
        k("eval-iters", "0", "batches per split in an evaluation (0 = the whole split)");
        k("log-interval", "1000", "steps between log lines");
        k("replay", "true", "record a training step once and replay it on each new batch (models whose step is the same graph every time: gpt, gpt-lecture*, transformer, mlp, mlp-bn, wavenet, rnn, gru, lstm, bow, gru-lm): the same arithmetic bit for bit, no allocation per step; false runs the model code every step");
        k("skip-nonfinite", "0", "steps with a NaN or infinite loss or gradient to skip (no update) before training stops with an error");
        k("always-save-checkpoint", "true", "write checkpoints/last.safetensors at every evaluation (false: only when the val loss improves, as nanoGPT's always_save_checkpoint = False)");
        k("eval-only", "false", "evaluate once (train and val, of a new model or, with --resume, of the last checkpoint) and exit without training");
        k("eval-samples", "10", "at each evaluation: items sampled (line data) into samples/");
        k("sample-tokens", "200", "at each evaluation: characters generated after the sample prompt (text data)");
        k("sample-prompt", "", "at each evaluation (and step 0): the prompt continued into samples/ (text data; empty = the first 30 characters of the val split)");
        k("diagnostics", "false", "record makemore part 3's diagnostics (tanh activations, gradients, update:data ratios) into diagnostics.jsonl and plots/");
        k("diagnostics-interval", "1000", "with --diagnostics: steps between measurements (step 1 is measured too)");
        k("tokenizer", "char", "text data: char (the text's characters), word (lowercased words seen more than --min-count times, <unk> for the rest; decoding joins them with spaces), byte (UTF-8 bytes), bpe:<merges file> (from `nanolm tokenizer train`) or tiktoken:<r50k_base|p50k_base|cl100k_base|o200k_base>; line items are always characters; classify: word (the agnews presets)");
        k("compact-vocab", "false", "text data with a byte, bpe or tiktoken tokenizer: renumber the token ids the corpus uses to 0..k-1 (a small embedding for a big vocabulary); the map is kept in the checkpoint");
        // text classifiers (`classify train`; model rnn, gru or lstm; n-embd, n-hidden, n-layer, dropout as above)
        k("epochs", "5", "classify: passes over the training rows");
        k("evals-per-epoch", "2", "classify: evaluations on the test set per epoch (and checkpoints)");
        k("min-count", "25", "word vocabularies (classify, --tokenizer word): keep words seen more than this many times in the training texts (language models: " + dev.nanolm.tokenize.Tokenizers.WORD_MIN_COUNT + " unless given)");
        k("max-len", "256", "classify: tokens per text at most, <bos> and <eos> included");
        k("aggregation", "mean", "classify: how the recurrent outputs are pooled over each text's steps: mean or max");
        k("concat-last", "false", "classify: also concatenate the output at each text's last real token");
        k("mean-includes-padding", "false", "classify: the common recipe: run over padding, pool over all T steps, last = step T-1");
        k("ngram-buckets", "200000", "classify, --model bow: hash buckets of the word-bigram embeddings (0 = words only; fastText's hashing trick)");
        k("bidirectional", "false", "classify: bidirectional recurrent layers");
        k("bucket", "false", "classify: batch texts of similar length (pools of 50 batches sorted by length, batches shuffled): less padding");
        k("label-col", "1", "classify: the CSV column (from 1) holding the label");
        k("text-cols", "2,3", "classify: the CSV columns (from 1) joined with a space into the text");
        k("csv-header", "false", "classify: the CSV's first row is a header");
        k("class-names", "", "classify: a file with one class name per line (labels may then be names or 1-based numbers)");
        k("test-data", "", "classify: the test CSV (empty: 10% of --data, drawn with --split-seed)");
        k("data-format", "auto", "lines (one item per line, makemore), text (one corpus, nanoGPT) or auto (by model type)");
    }

    public static Map<String, Key> all() { return java.util.Collections.unmodifiableMap(ALL); }

    public static boolean known(String name) { return ALL.containsKey(name); }

    /** The known key closest to name (Levenshtein), for "did you mean" hints. */
    public static String nearest(String name) { return Strings.nearest(name, ALL.keySet()); }

    private Keys() {}
}
