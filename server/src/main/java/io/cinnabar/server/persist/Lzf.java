package io.cinnabar.server.persist;

/**
 * LZF compression exactly as Redis's bundled liblzf 3.6 does it (lzf_c.c with HLOG 16, VERY_FAST, a zeroed hash
 * table), so that compressed sizes, and later RDB files, come out byte for byte as Redis's.
 *
 * <p>Ported from liblzf 3.6 (lzf_c.c, lzf_d.c), Copyright (c) 2000-2010 Marc Alexander Lehmann, BSD-2-Clause;
 * see NOTICE.
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    private Lzf() {
    }

    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    /**
     * Compresses {@code in} into {@code out} (at most {@code out.length} bytes); returns the compressed length, or 0
     * when the result would not fit, as lzf_compress.
     */
    public static int compress(byte[] in, int inLen, byte[] out) {
        return compress(in, inLen, out, out.length, new int[HSIZE], 0);
    }

    /**
     * A compressor that keeps its 64K-entry hash table between calls instead of allocating and zeroing 256 KB each
     * time (quicklist nodes are compressed often, and are a few KB). Every call's output is the same as {@link
     * #compress(byte[], int, byte[])}'s. Not thread-safe: one per thread.
     */
    public static final class Compressor {
        private final int[] htab = new int[HSIZE];
        /** Table entries at or below it were stored by earlier calls and read as empty, as in a zeroed table. */
        private int base;

        /** lzf_compress of {@code inLen} bytes of {@code in} into at most {@code outLen} bytes of {@code out}. */
        public int compress(byte[] in, int inLen, byte[] out, int outLen) {
            if (base > Integer.MAX_VALUE - inLen - 1) {
                java.util.Arrays.fill(htab, 0);
                base = 0;
            }
            int n = Lzf.compress(in, inLen, out, Math.min(outLen, out.length), htab, base);
            base += inLen;
            return n;
        }
    }

    /**
     * The compressor proper. {@code htab} holds {@code base + position + 1}; a value at or below {@code base} is an
     * empty slot (what 0 is in liblzf's zeroed table), so a table reused with a higher base needs no clearing.
     */
    private static int compress(byte[] in, int inLen, byte[] out, int outLen, int[] htab, int base) {
        if (inLen == 0 || outLen == 0) {
            return 0;
        }
        int ip = 0;
        int op = 0;
        int lit = 0;
        op++; // start run
        int hval = ((in[ip] & 0xff) << 8) | (in[ip + 1 < inLen ? ip + 1 : ip] & 0xff);
        while (ip < inLen - 2) {
            hval = (hval << 8) | (in[ip + 2] & 0xff);
            int slot = idx(hval);
            int ref = htab[slot] - base - 1; // negative for an empty slot
            htab[slot] = base + ip + 1;
            int off;
            if (ref > 0 && (off = ip - ref - 1) < MAX_OFF && in[ref + 2] == in[ip + 2]
                    && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]) {
                int len = 2;
                int maxlen = inLen - ip - len;
                maxlen = Math.min(maxlen, MAX_REF);
                if (op + 3 + 1 >= outLen && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outLen) {
                    return 0;
                }
                out[op - lit - 1] = (byte) (lit - 1); // stop run
                op -= lit == 0 ? 1 : 0; // undo run if length is zero
                // lzf_c.c compares the next 16 octets unrolled, without looking at maxlen, whenever maxlen > 16, and
                // only then runs its bounded loop (which still steps once more): near the end of the input a match
                // can come out one or two octets longer than the bounded loop alone gives. Redis's bytes have it.
                boolean mismatch = false;
                if (maxlen > 16) {
                    for (int k = 0; k < 16; k++) {
                        len++;
                        if (in[ref + len] != in[ip + len]) {
                            mismatch = true;
                            break;
                        }
                    }
                }
                if (!mismatch) {
                    do {
                        len++;
                    } while (len < maxlen && in[ref + len] == in[ip + len]);
                }
                len -= 2; // len is now #octets - 1
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((off >>> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((off >>> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) off;
                lit = 0;
                op++; // start run
                ip += len + 1;
                if (ip >= inLen - 2) {
                    break;
                }
                ip -= 2; // VERY_FAST: hash the last two positions of the match
                hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = base + ip + 1;
                ip++;
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = base + ip + 1;
                ip++;
            } else {
                if (op >= outLen) {
                    return 0;
                }
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1); // stop run
                    lit = 0;
                    op++; // start run
                }
            }
        }
        if (op + 3 > outLen) {
            return 0;
        }
        while (ip < inLen) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1); // end run
        op -= lit == 0 ? 1 : 0;
        return op;
    }

    /**
     * Expands {@code in[off, off+len)} into exactly {@code out.length} bytes (an RDB string's known length); false
     * for data that is corrupt or expands to another length (Redis then fails the load).
     */
    public static boolean decompress(byte[] in, int off, int len, byte[] out) {
        byte[] src = off == 0 ? in : java.util.Arrays.copyOfRange(in, off, off + len);
        return decompress(src, len, out, out.length) == out.length;
    }

    /**
     * lzf_decompress (with CHECK_INPUT): expands {@code inLen} bytes of {@code in} into at most {@code outLen} bytes
     * of {@code out}; returns the expanded length, or 0 when the output would not fit or the input is corrupt (a
     * back reference before the start, a run past the input's end).
     */
    public static int decompress(byte[] in, int inLen, byte[] out, int outLen) {
        outLen = Math.min(outLen, out.length);
        int ip = 0;
        int op = 0;
        while (ip < inLen) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) { // literal run of ctrl + 1 bytes
                ctrl++;
                if (op + ctrl > outLen || ip + ctrl > inLen) {
                    return 0;
                }
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else { // back reference
                int len = ctrl >>> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inLen) {
                    return 0;
                }
                if (len == 7) {
                    len += in[ip++] & 0xff;
                    if (ip >= inLen) {
                        return 0;
                    }
                }
                ref -= in[ip++] & 0xff;
                len += 2;
                if (op + len > outLen || ref < 0) {
                    return 0;
                }
                if (op - ref >= len) { // no overlap: one copy
                    System.arraycopy(out, ref, out, op, len);
                    op += len;
                } else { // the reference overlaps what it writes: byte by byte, as lzf_movsb
                    for (int k = 0; k < len; k++) {
                        out[op++] = out[ref++];
                    }
                }
            }
        }
        return op;
    }
}
