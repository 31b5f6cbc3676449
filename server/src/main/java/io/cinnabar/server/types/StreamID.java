package io.cinnabar.server.types;

import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID, {@code <ms>-<seq>}, both parts unsigned 64-bit numbers compared as such (Redis's streamID;
 * ported from Redis 7.0's t_stream.c, BSD-3-Clause, Copyright (c) 2017 Salvatore Sanfilippo; see NOTICE).
 * Immutable: PELs use it as a key. Commands parse it with {@link #parse}, which follows
 * streamGenericParseIDOrReply to the byte.
 */
public final class StreamID implements Comparable<StreamID> {
    public static final StreamID MIN = new StreamID(0, 0);
    private static final long MAX_DIV_10 = Long.divideUnsigned(-1L, 10);
    private static final byte[] MIN_LONG_TEXT = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    public static final StreamID MAX = new StreamID(-1L, -1L);

    public final long ms;
    public final long seq;

    public StreamID(long ms, long seq) {
        this.ms = ms;
        this.seq = seq;
    }

    public boolean isZero() {
        return ms == 0 && seq == 0;
    }

    public boolean isMax() {
        return ms == -1L && seq == -1L;
    }

    /** streamCompareID: -1, 0 or 1, comparing both parts unsigned. */
    public static int compare(long aMs, long aSeq, long bMs, long bSeq) {
        int c = Long.compareUnsigned(aMs, bMs);
        if (c != 0) {
            return c < 0 ? -1 : 1;
        }
        c = Long.compareUnsigned(aSeq, bSeq);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }

    @Override
    public int compareTo(StreamID o) {
        return compare(ms, seq, o.ms, o.seq);
    }

    /** streamIncrID: the next ID, or null past the last possible one (Redis wraps to 0-0 and fails). */
    public StreamID next() {
        if (seq == -1L) {
            return ms == -1L ? null : new StreamID(ms + 1, 0);
        }
        return new StreamID(ms, seq + 1);
    }

    /** streamDecrID: the previous ID, or null before 0-0. */
    public StreamID previous() {
        if (seq == 0) {
            return ms == 0 ? null : new StreamID(ms - 1, -1L);
        }
        return new StreamID(ms, seq - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamID id && id.ms == ms && id.seq == seq;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ms) * 31 + Long.hashCode(seq);
    }

    /** {@code <ms>-<seq>} in decimal, both unsigned, as createStreamIDString. */
    public byte[] toBytes() {
        return toBytes(ms, seq);
    }

    public static byte[] toBytes(long ms, long seq) {
        return (Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq)).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    // ---- parsing (streamGenericParseIDOrReply) ----

    /** What {@link #parse} found besides the ID: the {@code <ms>-*} form (XADD only). */
    public static final class Parsed {
        public StreamID id;
        /** False for {@code <ms>-*}: the sequence is to be generated. */
        public boolean seqGiven;
    }

    /**
     * Parses {@code <ms>-<seq>}, {@code <ms>} (sequence {@code missingSeq}), and unless {@code strict} {@code -}
     * and {@code +}; with {@code into} non-null also {@code <ms>-*}. Returns null for anything Redis answers
     * "Invalid stream ID specified as stream command argument" to. The argument is read as Redis reads its C
     * string copy: up to the first NUL, at most 127 bytes.
     */
    public static StreamID parse(byte[] arg, int off, int len, long missingSeq, boolean strict, Parsed into) {
        if (len > 127) {
            return null;
        }
        int end = off;
        while (end < off + len && arg[end] != 0) {
            end++;
        }
        int n = end - off;
        if (strict && n == 1 && (arg[off] == '-' || arg[off] == '+')) {
            return null;
        }
        if (into != null) {
            into.seqGiven = true;
        }
        if (n == 1 && arg[off] == '-') {
            return MIN;
        }
        if (n == 1 && arg[off] == '+') {
            return MAX;
        }
        int dash = -1;
        for (int i = off; i < end; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        long ms;
        long seq;
        long[] out = new long[1];
        if (dash >= 0) {
            if (!string2ull(arg, off, dash, out)) {
                return null;
            }
            ms = out[0];
            if (into != null && end - dash - 1 == 1 && arg[dash + 1] == '*') {
                seq = 0;
                into.seqGiven = false;
            } else {
                if (!string2ull(arg, dash + 1, end, out)) {
                    return null;
                }
                seq = out[0];
            }
        } else {
            if (!string2ull(arg, off, end, out)) {
                return null;
            }
            ms = out[0];
            seq = missingSeq;
        }
        StreamID id = new StreamID(ms, seq);
        if (into != null) {
            into.id = id;
        }
        return id;
    }

    public static StreamID parse(byte[] arg, long missingSeq, boolean strict) {
        return parse(arg, 0, arg.length, missingSeq, strict, null);
    }

    /**
     * Redis's string2ull over bytes [from, to): string2ll first (a negative value fails), then C's strtoull, which
     * skips leading spaces, takes a sign (a minus negates modulo 2^64) and fails on overflow or trailing bytes.
     */
    static boolean string2ull(byte[] s, int from, int to, long[] out) {
        long ll = io.cinnabar.protocol.bytes.Numbers.parseLong(s, from, to - from);
        if (ll != io.cinnabar.protocol.bytes.Numbers.NOT_A_NUMBER) {
            if (ll < 0) {
                return false;
            }
            out[0] = ll;
            return true;
        }
        if (java.util.Arrays.equals(s, from, to, MIN_LONG_TEXT, 0, MIN_LONG_TEXT.length)) {
            return false; // string2ll takes LLONG_MIN, which is negative
        }
        if (from == to) {
            return false;
        }
        int p = from;
        while (p < to && (s[p] == ' ' || (s[p] >= '\t' && s[p] <= '\r'))) {
            p++;
        }
        boolean negative = false;
        if (p < to && (s[p] == '+' || s[p] == '-')) {
            negative = s[p] == '-';
            p++;
        }
        if (p == to || s[p] < '0' || s[p] > '9') {
            return false; // no digits: strtoull leaves endptr at the start, which is not the end
        }
        long v = 0;
        while (p < to && s[p] >= '0' && s[p] <= '9') {
            int d = s[p] - '0';
            // v * 10 + d must stay below 2^64
            if (Long.compareUnsigned(v, MAX_DIV_10) > 0) {
                return false;
            }
            long times10 = v * 10;
            long sum = times10 + d;
            if (Long.compareUnsigned(sum, times10) < 0) {
                return false;
            }
            v = sum;
            p++;
        }
        if (p != to) {
            return false;
        }
        out[0] = negative ? -v : v;
        return true;
    }
}
