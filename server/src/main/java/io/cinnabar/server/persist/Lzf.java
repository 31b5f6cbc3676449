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
        int outLen = out.length;
        if (inLen == 0 || outLen == 0) {
            return 0;
        }
        int[] htab = new int[HSIZE]; // offsets + 1; 0 is the zeroed table's "no entry"
        int ip = 0;
        int op = 0;
        int lit = 0;
        op++; // start run
        int hval = ((in[ip] & 0xff) << 8) | (in[ip + 1 < inLen ? ip + 1 : ip] & 0xff);
        while (ip < inLen - 2) {
            hval = (hval << 8) | (in[ip + 2] & 0xff);
            int slot = idx(hval);
            int ref = htab[slot] - 1;
            htab[slot] = ip + 1;
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
                do {
                    len++;
                } while (len < maxlen && in[ref + len] == in[ip + len]);
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
                htab[idx(hval)] = ip + 1;
                ip++;
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = ip + 1;
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
     * lzf_decompress: expands {@code in[off, off+len)} into exactly {@code out.length} bytes; returns false for data
     * that is corrupt or does not expand to that length (Redis then fails the load).
     */
    public static boolean decompress(byte[] in, int off, int len, byte[] out) {
        int ip = off;
        int end = off + len;
        int op = 0;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) {
                ctrl++; // literal run
                if (op + ctrl > out.length || ip + ctrl > end) {
                    return false;
                }
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else {
                int n = ctrl >>> 5;
                if (n == 7) {
                    if (ip >= end) {
                        return false;
                    }
                    n += in[ip++] & 0xff;
                }
                if (ip >= end) {
                    return false;
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                n += 2;
                if (op + n > out.length || ref < 0) {
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    out[op++] = out[ref++]; // byte by byte: the ranges may overlap
                }
            }
        }
        return op == out.length;
    }
}
