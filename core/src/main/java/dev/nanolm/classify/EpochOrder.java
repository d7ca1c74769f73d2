// The order in which an epoch visits the training rows: a shuffle with the run's RNG, optionally bucketed by length.
package dev.nanolm.classify;

import dev.nanolm.tensor.Rng;
import java.util.Arrays;
import java.util.Comparator;

public final class EpochOrder {
    /** Rows per length-sorted pool with --bucket, in batches: large enough to find similar lengths, small enough to stay random. */
    static final int POOL_BATCHES = 50;

    /**
     * This epoch's row order: a shuffle of tr's rows with rng. With bucket, the shuffled rows are cut into pools of 50
     * batches, each pool sorted by length and cut into batches, and the batches shuffled: every row is still seen once
     * per epoch in a random batch of similar lengths, with far less padding.
     */
    public static int[] of(Batches.Encoded tr, Rng rng, int B, boolean bucket) {
        int N = tr.size();
        int[] order = new int[N];
        for (int i = 0; i < N; i++) order[i] = i;
        rng.shuffle(order);
        if (!bucket) return order;
        int pool = POOL_BATCHES * B;
        for (int from = 0; from < N; from += pool) {
            int to = Math.min(N, from + pool);
            Integer[] chunk = new Integer[to - from];
            for (int i = from; i < to; i++) chunk[i - from] = order[i];
            Arrays.sort(chunk, Comparator.comparingInt(i -> tr.tokens()[i].length));
            for (int i = from; i < to; i++) order[i] = chunk[i - from];
        }
        int nb = (N + B - 1) / B;
        int[] batchOrder = new int[nb];
        for (int i = 0; i < nb; i++) batchOrder[i] = i;
        rng.shuffle(batchOrder);
        int[] out = new int[N];
        int k = 0;
        for (int bi : batchOrder) for (int i = bi * B; i < Math.min(N, (bi + 1) * B); i++) out[k++] = order[i];
        return out;
    }

    private EpochOrder() {}
}
