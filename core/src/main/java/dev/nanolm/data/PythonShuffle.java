// Python's random.seed(n) + random.shuffle(list), bit for bit (MT19937, init_by_array, _randbelow by rejection),
// so a line dataset can be split exactly as the makemore lectures split names.txt (random.seed(42); random.shuffle(words)).
package dev.nanolm.data;

final class PythonShuffle {
    private final Mt19937 mt;

    /** random.seed(seed) for an integer seed: Python seeds with abs(seed), as 32-bit words, least significant first. */
    PythonShuffle(long seed) {
        seed = Math.abs(seed);
        if (seed < 0) throw new IllegalArgumentException("seed out of range: " + seed);
        int hi = (int) (seed >>> 32);
        mt = Mt19937.byArray(hi == 0 ? new int[] {(int) seed} : new int[] {(int) seed, hi});
    }

    /** random._randbelow(n) for 0 < n < 2^31: getrandbits(n.bit_length()) until below n. */
    int randbelow(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n);
        int r;
        do r = mt.next32() >>> (32 - k); while (r >= n);
        return r;
    }

    /** random.shuffle(a): Fisher-Yates from the end. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = randbelow(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }
}
