// PyTorch's torch.manual_seed(n) + torch.randperm(len) on the CPU, bit for bit (MT19937 seeded with init_genrand; for
// len < 2^32/20 ATen swaps r[i] with r[i + random() % (len - i)] from the front), so a line dataset can be split as
// makemore.py splits its input: torch.manual_seed(3407); rp = torch.randperm(len(words)); test = the last 1000.
package dev.nanolm.data;

final class TorchShuffle {
    private TorchShuffle() {}

    /** Permutes a in place as torch.randperm(a.length) permutes 0..n-1 after torch.manual_seed(seed), seed in [0, 2^32). */
    static void shuffle(long seed, int[] a) {
        if (seed < 0 || seed > 0xffffffffL)
            throw new IllegalArgumentException("a torch split seed must be in [0, 2^32), got " + seed);
        Mt19937 mt = Mt19937.genrand((int) seed);
        int n = a.length;
        for (int i = 0; i < n - 1; i++) {
            int z = (int) (Integer.toUnsignedLong(mt.next32()) % (n - i));
            int t = a[i]; a[i] = a[z + i]; a[z + i] = t;
        }
    }
}
