package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.bytes.LongDouble;
import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.RawString;
import io.cinnabar.server.types.Strings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** String commands, as t_string.c in Redis 7.0. */
final class StringCommands {
    private static final byte[] SET = Ascii.bytes("SET");
    private static final byte[] PXAT = Ascii.bytes("PXAT");
    private static final byte[] KEEPTTL = Ascii.bytes("KEEPTTL");
    private static final byte[] PEXPIREAT = Ascii.bytes("PEXPIREAT");
    private static final byte[] PERSIST = Ascii.bytes("PERSIST");
    private static final byte[] DEL = Ascii.bytes("DEL");

    // option bits of parseExtendedStringArguments
    private static final int NX = 1;
    private static final int XX = 1 << 1;
    private static final int GET = 1 << 2;
    private static final int KEEP_TTL = 1 << 3;
    private static final int PERSIST_FLAG = 1 << 4;
    private static final int EX = 1 << 5;
    private static final int PX = 1 << 6;
    private static final int EXAT = 1 << 7;
    private static final int PXAT_FLAG = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT_FLAG;

    private StringCommands() {
    }

    /** Looks up a string for reading; null after replying {@code missing} or WRONGTYPE. */
    private static Object readString(Client c, byte[] key, byte[] missing) {
        Dict.Entry e = c.db.lookupRead(key);
        if (e == null) {
            if (missing == null) {
                c.reply.nullBulk();
            } else {
                c.reply.raw(missing);
            }
            return null;
        }
        if (!Strings.is(e.value)) {
            c.wrongType();
            return null;
        }
        return e.value;
    }

    static void get(Client c) {
        Object v = readString(c, c.argv[1], null);
        if (v != null) {
            Strings.reply(c.reply, v);
        }
    }

    static void set(Client c) {
        long parsed = parseOptions(c, 3, true);
        if (parsed < 0) {
            return;
        }
        int flags = (int) parsed;
        long when = 0;
        if ((flags & ANY_EXPIRE) != 0) {
            when = expireMillis(c, c.argv[expireArgIndex(parsed)], flags);
            if (when == Long.MIN_VALUE) {
                return;
            }
        }
        setGeneric(c, flags, c.argv[1], c.argv[2], when, null, null);
    }

    static void setnx(Client c) {
        setGeneric(c, NX, c.argv[1], c.argv[2], 0, Replies.ONE, Replies.ZERO);
    }

    static void setex(Client c) {
        long when = expireMillis(c, c.argv[2], EX);
        if (when != Long.MIN_VALUE) {
            setGeneric(c, EX, c.argv[1], c.argv[3], when, null, null);
        }
    }

    static void psetex(Client c) {
        long when = expireMillis(c, c.argv[2], PX);
        if (when != Long.MIN_VALUE) {
            setGeneric(c, PX, c.argv[1], c.argv[3], when, null, null);
        }
    }

    /** The argument index of the expiry value, packed above the option bits (in the high 32 bits) by {@link #parseOptions}. */
    private static int expireArgIndex(long parsed) {
        return (int) (parsed >>> 32);
    }

    /**
     * parseExtendedStringArgumentsOrReply: returns the option bits (with the expiry argument's index in the high
     * 32 bits), or -1 after replying a syntax error. The conditions are Redis's own, including which repeats and
     * combinations it tolerates.
     */
    private static long parseOptions(Client c, int from, boolean isSet) {
        int flags = 0;
        int expireArgIndex = 0;
        for (int j = from; j < c.argc; j++) {
            byte[] opt = c.argv[j];
            boolean hasNext = j < c.argc - 1;
            if (Ascii.equalsIgnoreCase(opt, "nx") && (flags & XX) == 0 && isSet) {
                flags |= NX;
            } else if (Ascii.equalsIgnoreCase(opt, "xx") && (flags & NX) == 0 && isSet) {
                flags |= XX;
            } else if (Ascii.equalsIgnoreCase(opt, "get") && isSet) {
                flags |= GET;
            } else if (Ascii.equalsIgnoreCase(opt, "keepttl") && (flags & (PERSIST_FLAG | ANY_EXPIRE)) == 0 && isSet) {
                flags |= KEEP_TTL;
            } else if (Ascii.equalsIgnoreCase(opt, "persist") && !isSet && (flags & (ANY_EXPIRE | KEEP_TTL)) == 0) {
                flags |= PERSIST_FLAG;
            } else if (Ascii.equalsIgnoreCase(opt, "ex") && (flags & (KEEP_TTL | PERSIST_FLAG | EXAT | PX | PXAT_FLAG)) == 0
                    && hasNext) {
                flags |= EX;
                expireArgIndex = ++j;
            } else if (Ascii.equalsIgnoreCase(opt, "px") && (flags & (KEEP_TTL | PERSIST_FLAG | EX | EXAT | PXAT_FLAG)) == 0
                    && hasNext) {
                flags |= PX;
                expireArgIndex = ++j;
            } else if (Ascii.equalsIgnoreCase(opt, "exat") && (flags & (KEEP_TTL | PERSIST_FLAG | EX | PX | PXAT_FLAG)) == 0
                    && hasNext) {
                flags |= EXAT;
                expireArgIndex = ++j;
            } else if (Ascii.equalsIgnoreCase(opt, "pxat") && (flags & (KEEP_TTL | PERSIST_FLAG | EX | EXAT | PX)) == 0
                    && hasNext) {
                flags |= PXAT_FLAG;
                expireArgIndex = ++j;
            } else {
                c.syntaxError();
                return -1;
            }
        }
        return flags | ((long) expireArgIndex << 32);
    }

    /**
     * getExpireMillisecondsOrReply: the absolute expiry time in ms, or Long.MIN_VALUE after replying an error.
     */
    private static long expireMillis(Client c, byte[] arg, int flags) {
        long v = Numbers.parseLong(arg);
        if (v == Numbers.NOT_A_NUMBER && !Numbers.isLong(arg)) {
            c.error(Errors.NOT_INTEGER);
            return Long.MIN_VALUE;
        }
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            invalidExpire(c);
            return Long.MIN_VALUE;
        }
        if (seconds) {
            v *= 1000;
        }
        if ((flags & (EX | PX)) != 0) {
            v += c.engine.keyspace().now;
        }
        if (v <= 0) {
            invalidExpire(c);
            return Long.MIN_VALUE;
        }
        return v;
    }

    private static void invalidExpire(Client c) {
        c.error("ERR invalid expire time in '" + c.cmd.fullName + "' command");
    }

    private static void setGeneric(Client c, int flags, byte[] key, byte[] value, long when, byte[] okReply,
                                   byte[] abortReply) {
        if ((flags & GET) != 0) {
            Dict.Entry old = c.db.lookupRead(key);
            if (old == null) {
                c.reply.nullBulk();
            } else if (!Strings.is(old.value)) {
                c.wrongType();
                return;
            } else {
                Strings.reply(c.reply, old.value);
            }
        }
        Dict.Entry e = c.db.lookupWrite(key);
        boolean found = e != null;
        if (((flags & NX) != 0 && found) || ((flags & XX) != 0 && !found)) {
            if ((flags & GET) == 0) {
                if (abortReply != null) {
                    c.reply.raw(abortReply);
                } else {
                    c.reply.nullBulk();
                }
            }
            return;
        }
        Object stored = Strings.encode(value);
        if (found) {
            e.value = stored;
            if ((flags & KEEP_TTL) == 0 && e.expireAt != Dict.NO_EXPIRE) {
                c.db.removeExpire(e);
            }
        } else {
            e = c.db.add(key, stored);
        }
        c.db.modified(key, KeyEvent.SET_STRING);
        if ((flags & ANY_EXPIRE) != 0) {
            c.db.setExpire(e, when);
            c.db.modified(key, KeyEvent.EXPIRE, 0);
            if (c.propagating()) {
                c.propagate(SET, key, value, PXAT, Numbers.toNewBytes(when));
            }
        }
        if ((flags & GET) == 0) {
            c.reply.raw(okReply != null ? okReply : Replies.OK);
        }
    }

    static void getex(Client c) {
        long parsed = parseOptions(c, 2, false);
        if (parsed < 0) {
            return;
        }
        int flags = (int) parsed;
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupRead(key);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        if (!Strings.is(e.value)) {
            c.wrongType();
            return;
        }
        long when = 0;
        if ((flags & ANY_EXPIRE) != 0) {
            when = expireMillis(c, c.argv[expireArgIndex(parsed)], flags);
            if (when == Long.MIN_VALUE) {
                return;
            }
        }
        Strings.reply(c.reply, e.value);
        if ((flags & (PXAT_FLAG | EXAT)) != 0 && when <= c.engine.keyspace().now) {
            c.db.unlink(e);
            c.db.modified(key, KeyEvent.DEL);
            if (c.propagating()) {
                c.propagate(DEL, key);
            }
        } else if ((flags & ANY_EXPIRE) != 0) {
            c.db.setExpire(e, when);
            c.db.modified(key, KeyEvent.EXPIRE);
            if (c.propagating() && (flags & PXAT_FLAG) == 0) {
                c.propagate(PEXPIREAT, key, Numbers.toNewBytes(when));
            }
        } else if ((flags & PERSIST_FLAG) != 0 && e.expireAt != Dict.NO_EXPIRE) {
            c.db.removeExpire(e);
            c.db.modified(key, KeyEvent.PERSIST);
            if (c.propagating()) {
                c.propagate(PERSIST, key);
            }
        }
    }

    static void getdel(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        if (!Strings.is(e.value)) {
            c.wrongType();
            return;
        }
        Strings.reply(c.reply, e.value);
        c.db.unlink(e);
        c.db.modified(c.argv[1], KeyEvent.DEL);
        if (c.propagating()) {
            c.propagate(DEL, c.argv[1]); // getdelCommand: propagated as DEL
        }
    }

    static void getset(Client c) {
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupRead(key);
        if (e != null && !Strings.is(e.value)) {
            c.wrongType();
            return;
        }
        if (e == null) {
            c.reply.nullBulk();
        } else {
            Strings.reply(c.reply, e.value);
        }
        c.db.set(key, Strings.encode(c.argv[2]), false);
        c.db.modified(key, KeyEvent.SET_STRING);
        if (c.propagating()) {
            c.propagate(SET, key, c.argv[2]);
        }
    }

    static void mget(Client c) {
        c.reply.array(c.argc - 1);
        for (int i = 1; i < c.argc; i++) {
            Dict.Entry e = c.db.lookupRead(c.argv[i]);
            if (e == null || !Strings.is(e.value)) {
                c.reply.nullBulk();
            } else {
                Strings.reply(c.reply, e.value);
            }
        }
    }

    static void mset(Client c) {
        if (c.argc % 2 == 0) {
            c.error("ERR wrong number of arguments for '" + c.cmd.fullName + "' command");
            return;
        }
        for (int i = 1; i < c.argc; i += 2) {
            c.db.set(c.argv[i], Strings.encode(c.argv[i + 1]), false);
            c.db.modified(c.argv[i], KeyEvent.SET_STRING);
        }
        c.reply.ok();
    }

    static void msetnx(Client c) {
        if (c.argc % 2 == 0) {
            c.error("ERR wrong number of arguments for '" + c.cmd.fullName + "' command");
            return;
        }
        for (int i = 1; i < c.argc; i += 2) {
            if (c.db.lookupWrite(c.argv[i]) != null) {
                c.reply.raw(Replies.ZERO);
                return;
            }
        }
        for (int i = 1; i < c.argc; i += 2) {
            c.db.set(c.argv[i], Strings.encode(c.argv[i + 1]), false);
            c.db.modified(c.argv[i], KeyEvent.SET_STRING);
        }
        c.reply.raw(Replies.ONE);
    }

    /** checkStringLength: false after replying if the result would exceed proto-max-bulk-len. */
    private static boolean lengthAllowed(Client c, long size, long append) {
        long total = size + append;
        if (total > c.engine.config().protoMaxBulkLen() || total < size || total > Integer.MAX_VALUE - 16) {
            c.error(Errors.STRING_TOO_LONG);
            return false;
        }
        return true;
    }

    static void append(Client c) {
        byte[] key = c.argv[1];
        byte[] tail = c.argv[2];
        Dict.Entry e = c.db.lookupWrite(key);
        long total;
        if (e == null) {
            c.db.add(key, Strings.encode(tail));
            total = tail.length;
        } else {
            if (!Strings.is(e.value)) {
                c.wrongType();
                return;
            }
            if (!lengthAllowed(c, Strings.length(e.value), tail.length)) {
                return;
            }
            RawString raw = Strings.unshare(e.value);
            raw.append(tail);
            e.value = raw;
            total = raw.length();
        }
        c.db.modified(key, KeyEvent.APPEND);
        c.reply.integer(total);
    }

    static void strlen(Client c) {
        Object v = readString(c, c.argv[1], Replies.ZERO);
        if (v != null) {
            c.reply.integer(Strings.length(v));
        }
    }

    static void incr(Client c) {
        incrDecr(c, 1);
    }

    static void decr(Client c) {
        incrDecr(c, -1);
    }

    static void incrby(Client c) {
        if (Args.longArg(c, 2)) {
            incrDecr(c, c.parsedLong);
        }
    }

    static void decrby(Client c) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        if (c.parsedLong == Long.MIN_VALUE) {
            c.error("ERR decrement would overflow");
            return;
        }
        incrDecr(c, -c.parsedLong);
    }

    private static void incrDecr(Client c, long incr) {
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        long value = 0;
        if (e != null) {
            if (!Strings.is(e.value)) {
                c.wrongType();
                return;
            }
            value = Strings.parseLong(e.value);
            if (value == Numbers.NOT_A_NUMBER && !Strings.isLong(e.value)) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.error(Errors.INCR_OVERFLOW);
            return;
        }
        value += incr;
        Object stored = Strings.fromLong(value);
        if (e == null) {
            c.db.add(key, stored);
        } else {
            e.value = stored;
        }
        c.db.modified(key, KeyEvent.INCRBY);
        c.reply.integer(value);
    }

    static void incrbyfloat(Client c) {
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        BigDecimal value = BigDecimal.ZERO;
        if (e != null) {
            if (!Strings.is(e.value)) {
                c.wrongType();
                return;
            }
            value = e.value instanceof Long n ? BigDecimal.valueOf(n) : LongDouble.parse(Strings.bytes(e.value));
        }
        BigDecimal incr = LongDouble.parse(c.argv[2]);
        if (value == null || incr == null) {
            c.error(Errors.NOT_FLOAT);
            return;
        }
        BigDecimal result = LongDouble.add(value, incr);
        if (result == null) {
            c.error(Errors.NAN_OR_INFINITY);
            return;
        }
        byte[] formatted = LongDouble.format(result);
        if (e == null) {
            c.db.add(key, formatted);
        } else {
            e.value = formatted;
        }
        c.db.modified(key, KeyEvent.INCRBYFLOAT);
        c.reply.bulk(formatted);
        if (c.propagating()) {
            // replicated as SET with the final value, so replicas never differ in float formatting
            c.propagate(SET, key, formatted, KEEPTTL);
        }
    }

    static void getrange(Client c) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        long start = c.parsedLong;
        if (!Args.longArg(c, 3)) {
            return;
        }
        long end = c.parsedLong;
        Object v = readString(c, c.argv[1], Replies.EMPTY_BULK);
        if (v == null) {
            return;
        }
        byte[] s = Strings.bytes(v);
        long len = s.length;
        if (start < 0 && end < 0 && start > end) {
            c.reply.raw(Replies.EMPTY_BULK);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.reply.raw(Replies.EMPTY_BULK);
        } else {
            c.reply.bulk(s, (int) start, (int) (end - start + 1));
        }
    }

    static void setrange(Client c) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        long offset = c.parsedLong;
        byte[] value = c.argv[3];
        if (offset < 0) {
            c.error(Errors.OFFSET_OUT_OF_RANGE);
            return;
        }
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        RawString raw;
        if (e == null) {
            if (value.length == 0) {
                c.reply.raw(Replies.ZERO);
                return;
            }
            if (!lengthAllowed(c, offset, value.length)) {
                return;
            }
            raw = new RawString(new byte[0], (int) offset + value.length);
            e = c.db.add(key, raw);
        } else {
            if (!Strings.is(e.value)) {
                c.wrongType();
                return;
            }
            if (value.length == 0) {
                c.reply.integer(Strings.length(e.value));
                return;
            }
            if (!lengthAllowed(c, offset, value.length)) {
                return;
            }
            raw = Strings.unshare(e.value);
            e.value = raw;
        }
        raw.setRange((int) offset, value);
        c.db.modified(key, KeyEvent.SETRANGE);
        c.reply.integer(raw.length());
    }

    static void lcs(Client c) {
        // as lcsCommand: the keys' types are checked before the options are parsed
        Dict.Entry ea = c.db.lookupRead(c.argv[1]);
        Dict.Entry eb = c.db.lookupRead(c.argv[2]);
        if ((ea != null && !Strings.is(ea.value)) || (eb != null && !Strings.is(eb.value))) {
            c.error("ERR The specified keys must contain string values");
            return;
        }
        boolean getIdx = false;
        boolean getLen = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.argc; j++) {
            byte[] opt = c.argv[j];
            int moreArgs = c.argc - 1 - j;
            if (Args.is(opt, "idx")) {
                getIdx = true;
            } else if (Args.is(opt, "len")) {
                getLen = true;
            } else if (Args.is(opt, "withmatchlen")) {
                withMatchLen = true;
            } else if (Args.is(opt, "minmatchlen") && moreArgs > 0) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                minMatchLen = Math.max(0, c.parsedLong);
                j++;
            } else {
                c.syntaxError();
                return;
            }
        }
        if (getIdx && getLen) {
            c.error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        byte[] a = ea == null ? new byte[0] : Strings.bytes(ea.value);
        byte[] b = eb == null ? new byte[0] : Strings.bytes(eb.value);
        int alen = a.length;
        int blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.engine.config().protoMaxBulkLen()) {
            c.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        int[] dp;
        try {
            if (cells > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError();
            }
            dp = new int[(int) cells];
        } catch (OutOfMemoryError oom) {
            c.error("ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (a[i - 1] == b[j - 1]) {
                    dp[i * w + j] = dp[(i - 1) * w + j - 1] + 1;
                } else {
                    int l1 = dp[(i - 1) * w + j];
                    int l2 = dp[i * w + j - 1];
                    dp[i * w + j] = Math.max(l1, l2);
                }
            }
        }
        int idx = dp[alen * w + blen];
        boolean computeLcs = getIdx || !getLen;
        byte[] result = computeLcs ? new byte[idx] : null;
        List<long[]> ranges = getIdx ? new ArrayList<>() : null;
        int i = alen;
        int j = blen;
        int aStart = alen;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (computeLcs && i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                int l1 = dp[(i - 1) * w + j];
                int l2 = dp[i * w + j - 1];
                if (l1 > l2) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            long matchLen = (long) aEnd - aStart + 1;
            if (emit) {
                if ((minMatchLen == 0 || matchLen >= minMatchLen) && ranges != null) {
                    ranges.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (getIdx) {
            c.reply.map(2);
            c.reply.bulk("matches");
            c.reply.array(ranges.size());
            for (long[] r : ranges) {
                c.reply.array(withMatchLen ? 3 : 2);
                c.reply.array(2);
                c.reply.integer(r[0]);
                c.reply.integer(r[1]);
                c.reply.array(2);
                c.reply.integer(r[2]);
                c.reply.integer(r[3]);
                if (withMatchLen) {
                    c.reply.integer(r[4]);
                }
            }
            c.reply.bulk("len");
            c.reply.integer(dp[alen * w + blen]);
        } else if (getLen) {
            c.reply.integer(idx);
        } else {
            c.reply.bulk(result);
        }
    }
}
