// torch.manual_seed + torch.randperm reproduced (TorchShuffle): libtorch's own randperm for makemore.py's split of
// names.txt and small cases, and its generator's draws (torch.randint combines two 32-bit draws into random64(),
// the first in the high word, even for small ranges and int32: so nanolm's MT19937 is seeded and runs as libtorch's).
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.nanolm.peer.Torch;
import org.junit.jupiter.api.Test;

class TorchShuffleVsTorchTest {
    @Test
    void randpermIsLibtorchs() {
        for (int[] c : new int[][] {{3407, 32033}, {3407, 7}, {42, 1000}, {0, 2}, {1, 1}}) {
            long[] torch;
            try (NDManager m = Torch.manager()) {
                Torch.engine().setRandomSeed(c[0]);
                torch = JniUtils.randperm((PtNDManager) m, c[1], DataType.INT64, Device.cpu()).toLongArray();
            }
            int[] ours = new int[c[1]];
            for (int i = 0; i < ours.length; i++) ours[i] = i;
            TorchShuffle.shuffle(c[0], ours);
            for (int i = 0; i < ours.length; i++) assertEquals(torch[i], ours[i], "seed " + c[0] + " n " + c[1] + " at " + i);
        }
    }

    @Test
    void theGeneratorsDrawsAreLibtorchs() {
        for (int seed : new int[] {3407, 42, 0}) {
            long range = Integer.MAX_VALUE;
            long[] torch64;
            try (NDManager m = Torch.manager()) {
                Torch.engine().setRandomSeed(seed);
                torch64 = m.randomInteger(0, range, new Shape(1000), DataType.INT64).toLongArray();
            }
            Mt19937 mt = Mt19937.genrand(seed);
            for (int i = 0; i < torch64.length; i++) {
                long hi = Integer.toUnsignedLong(mt.next32()), lo = Integer.toUnsignedLong(mt.next32());
                assertEquals(Long.remainderUnsigned(hi << 32 | lo, range), torch64[i], "seed " + seed + " int64 draw " + i);
            }
        }
    }
}
