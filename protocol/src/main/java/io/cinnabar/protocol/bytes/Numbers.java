package io.cinnabar.protocol.bytes;

import io.netty.buffer.ByteBuf;

/**
 * Integer parsing and formatting with Redis's exact rules ({@code string2ll}, {@code ll2string} in util.c):
 * no sign but '-', no leading zeros, no spaces, at most 20 characters, no overflow.
 *
 * <p>Ported from Redis 7.0's util.c, Copyright (c) 2009-2012 Salvatore Sanfilippo, BSD-3-Clause; see NOTICE.
 */
public final class Numbers {
    /** Returned by the parse methods when the input is not a number; check with {@code isLong} if it matters. */
    public static final long NOT_A_NUMBER = Long.MIN_VALUE;
    /** Redis's LONG_STR_SIZE: strings this long or longer are never integers. */
    private static final int LONG_STR_SIZE = 21;
    private static final byte[] MIN_LONG = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[][] SMALL = new byte[10000][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private Numbers() {
    }

    /** Parses {@code s} as Redis's string2ll does; returns {@link #NOT_A_NUMBER} if it is not one. */
    public static long parseLong(byte[] s) {
        return parseLong(s, 0, s.length);
    }

    public static long parseLong(byte[] s, int off, int len) {
        if (len == 0 || len >= LONG_STR_SIZE) {
            return NOT_A_NUMBER;
        }
        if (len == 1 && s[off] == '0') {
            return 0;
        }
        int p = off;
        int end = off + len;
        boolean negative = false;
        if (s[p] == '-') {
            negative = true;
            p++;
            if (p == end) {
                return NOT_A_NUMBER;
            }
        }
        byte c = s[p];
        if (c < '1' || c > '9') {
            return NOT_A_NUMBER;
        }
        // accumulate negatively, as Long.parseLong does, so that Long.MIN_VALUE fits
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multmin = limit / 10;
        long result = -(c - '0');
        p++;
        while (p < end) {
            c = s[p++];
            if (c < '0' || c > '9' || result < multmin) {
                return NOT_A_NUMBER;
            }
            int d = c - '0';
            result *= 10;
            if (result < limit + d) {
                return NOT_A_NUMBER;
            }
            result -= d;
        }
        return negative ? result : -result;
    }

    /** True if {@code s} is a valid integer by Redis's rules (needed to tell LLONG_MIN from "not a number"). */
    public static boolean isLong(byte[] s) {
        return parseLong(s) != NOT_A_NUMBER || java.util.Arrays.equals(s, MIN_LONG);
    }

    public static long parseLong(ByteBuf buf, int off, int len) {
        if (len <= 0 || len >= LONG_STR_SIZE) {
            return NOT_A_NUMBER;
        }
        if (buf.hasArray()) {
            return parseLong(buf.array(), buf.arrayOffset() + off, len);
        }
        byte[] tmp = new byte[len];
        buf.getBytes(off, tmp);
        return parseLong(tmp, 0, len);
    }

    public static boolean isLong(ByteBuf buf, int off, int len) {
        if (len != MIN_LONG.length) {
            return parseLong(buf, off, len) != NOT_A_NUMBER;
        }
        for (int i = 0; i < len; i++) {
            if (buf.getByte(off + i) != MIN_LONG[i]) {
                return parseLong(buf, off, len) != NOT_A_NUMBER;
            }
        }
        return true;
    }

    /** Number of characters of {@code v} in decimal, sign included. */
    public static int digits(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
        }
        int d = 1;
        long limit = 10;
        while (d < 19 && v >= limit) {
            d++;
            limit *= 10;
        }
        return d;
    }

    /** The decimal bytes of {@code v}; small values come from a shared table and must not be modified. */
    public static byte[] toBytes(long v) {
        if (v >= 0 && v < SMALL.length) {
            return SMALL[(int) v];
        }
        return toNewBytes(v);
    }

    /** The decimal bytes of {@code v} in a fresh array the caller owns. */
    public static byte[] toNewBytes(long v) {
        if (v == Long.MIN_VALUE) {
            return MIN_LONG.clone();
        }
        int len = digits(v);
        byte[] out = new byte[len];
        long x = v < 0 ? -v : v;
        for (int i = len - 1; i >= (v < 0 ? 1 : 0); i--) {
            out[i] = (byte) ('0' + (x % 10));
            x /= 10;
        }
        if (v < 0) {
            out[0] = '-';
        }
        return out;
    }

    /** Writes the decimal digits of {@code v} without allocating. */
    public static void write(ByteBuf out, long v) {
        if (v >= 0 && v < SMALL.length) {
            out.writeBytes(SMALL[(int) v]);
            return;
        }
        if (v == Long.MIN_VALUE) {
            out.writeBytes(MIN_LONG);
            return;
        }
        int len = digits(v);
        out.ensureWritable(len);
        int start = out.writerIndex();
        long x = v;
        if (x < 0) {
            out.setByte(start, '-');
            x = -x;
        }
        int i = start + len - 1;
        do {
            out.setByte(i--, (int) ('0' + (x % 10)));
            x /= 10;
        } while (x != 0);
        out.writerIndex(start + len);
    }
}
