// Python's random.seed(n) + random.shuffle(list), bit for bit (MT19937, init_by_array, _randbelow by rejection),
// so a line dataset can be split exactly as the makemore lectures split names.txt (random.seed(42); random.shuffle(words)).
package dev.nanolm.data;

final class PythonShuffle {
    private final int[] mt = new int[624];
    private int mti;

    /** random.seed(seed) for an integer seed: Python seeds with abs(seed), as 32-bit words, least significant first. */
    PythonShuffle(long seed) {
        seed = Math.abs(seed);
        if (seed < 0) throw new IllegalArgumentException("seed out of range: " + seed);
        int hi = (int) (seed >>> 32);
        int[] key = hi == 0 ? new int[] {(int) seed} : new int[] {(int) seed, hi};
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < 624; mti++) mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1, j = 0;
        for (int k = Math.max(624, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= 624) { mt[0] = mt[623]; i = 1; }
            if (j >= key.length) j = 0;
        }
        for (int k = 623; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= 624) { mt[0] = mt[623]; i = 1; }
        }
        mt[0] = 0x80000000;
    }

    private int next32() {
        if (mti >= 624) {
            for (int k = 0; k < 624; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
                mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            mti = 0;
        }
        int y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** random._randbelow(n) for 0 < n < 2^31: getrandbits(n.bit_length()) until below n. */
    int randbelow(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n);
        int r;
        do r = next32() >>> (32 - k); while (r >= n);
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
