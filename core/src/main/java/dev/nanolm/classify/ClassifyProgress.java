// Where a classifier run stands (step, epoch, batch, best accuracy, RNG states): written into every checkpoint's
// metadata so `classify train --resume` continues exactly where the checkpoint was taken.
package dev.nanolm.classify;

import dev.nanolm.checkpoint.CheckpointException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

final class ClassifyProgress {
    long step;
    /** The epoch under way (1-based) and how many of its batches are done. */
    int epoch = 1, batch;
    double best = -1, bestEpoch;
    /** The RNG's state before this epoch's shuffle: a resumed run redraws the same order from it. */
    long[] rngAtEpochStart;
    /** Training seconds of each finished epoch (evaluations excluded). */
    final List<Double> epochSeconds = new ArrayList<>();

    /** Metadata keys (strings: safetensors metadata holds only strings). */
    Map<String, String> toMeta(long[] rngNow) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("step", Long.toString(step));
        m.put("epoch_index", Integer.toString(epoch));
        m.put("epoch_batches_done", Integer.toString(batch));
        m.put("best_test_accuracy", Double.toString(best));
        m.put("best_epoch", Double.toString(bestEpoch));
        m.put("rng", join(rngNow));
        m.put("rng_epoch_start", join(rngAtEpochStart));
        m.put("epoch_seconds", epochSeconds.stream().map(d -> Double.toString(d)).collect(Collectors.joining(",")));
        return m;
    }

    /** The progress stored by toMeta, and (out) the RNG state at the checkpoint. */
    static ClassifyProgress fromMeta(Map<String, String> m, long[][] rngNow) {
        ClassifyProgress p = new ClassifyProgress();
        try {
            p.step = Long.parseLong(need(m, "step"));
            p.epoch = Integer.parseInt(need(m, "epoch_index"));
            p.batch = Integer.parseInt(need(m, "epoch_batches_done"));
            p.best = Double.parseDouble(need(m, "best_test_accuracy"));
            p.bestEpoch = Double.parseDouble(need(m, "best_epoch"));
            rngNow[0] = longs(need(m, "rng"));
            p.rngAtEpochStart = longs(need(m, "rng_epoch_start"));
            String es = need(m, "epoch_seconds");
            if (!es.isEmpty()) for (String x : es.split(",")) p.epochSeconds.add(Double.parseDouble(x));
        } catch (NumberFormatException e) {
            throw new CheckpointException("the checkpoint's progress metadata cannot be read (" + e.getMessage() + ")",
                    "the file was edited or damaged; start a new run without --resume");
        }
        return p;
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new CheckpointException("the checkpoint has no '" + key + "' to resume from",
                "it was written before classifier runs could resume; start a new run without --resume");
        return v;
    }

    private static String join(long[] a) { return Arrays.stream(a).mapToObj(Long::toString).collect(Collectors.joining(",")); }

    private static long[] longs(String s) { return Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray(); }
}
