// The Mersenne Twister MT19937 (32-bit), the generator behind Python's random and PyTorch's CPU generator; the two
// differ only in how they seed it (init_by_array from the seed's words vs init_genrand from the seed itself).
package dev.nanolm.data;

final class Mt19937 {
    private final int[] mt = new int[624];
    private int mti = 625;

    /** init_genrand(s): std::mt19937(s), and PyTorch's torch.manual_seed(s) for s < 2^32. */
    static Mt19937 genrand(int s) {
        Mt19937 m = new Mt19937();
        m.initGenrand(s);
        return m;
    }

    /** init_by_array(key), as CPython's random.seed does with the seed's 32-bit words. */
    static Mt19937 byArray(int[] key) {
        Mt19937 m = new Mt19937();
        m.initGenrand(19650218);
        int[] mt = m.mt;
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
        return m;
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < 624; mti++) mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }

    /** The next 32 random bits (as an int: read it unsigned). */
    int next32() {
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
}
