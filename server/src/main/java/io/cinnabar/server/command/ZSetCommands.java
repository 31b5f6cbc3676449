package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.SkipList;
import io.cinnabar.server.types.ZSetValue;
import java.util.ArrayList;
import java.util.List;

/** Sorted set commands, as t_zset.c in Redis 7.0, with the blocking pops parked in BlockedClients. */
final class ZSetCommands {
    private static final ErrorReply NAN_SCORE = Errors.of("ERR resulting score is not a number (NaN)");
    private static final ErrorReply NOT_FLOAT_RANGE = Errors.of("ERR min or max is not a float");
    private static final ErrorReply NOT_LEX_RANGE = Errors.of("ERR min or max not valid string range item");

    private ZSetCommands() {
    }

    /** The sorted set at {@code key} for reading: null if absent; {@code WRONG} after replying WRONGTYPE. */
    private static final ZSetValue WRONG = new ZSetValue(false);

    private static ZSetValue read(Client c, byte[] key) {
        Dict.Entry e = c.db.lookupRead(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof ZSetValue z)) {
            c.wrongType();
            return WRONG;
        }
        return z;
    }

    private static ZSetValue write(Client c, byte[] key) {
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof ZSetValue z)) {
            c.wrongType();
            return WRONG;
        }
        return z;
    }

    private static long maxEntries(Client c) {
        return c.engine.config().zsetMaxListpackEntries();
    }

    private static long maxValue(Client c) {
        return c.engine.config().zsetMaxListpackValue();
    }

    /** Deletes the key of a sorted set that became empty, reporting "del". */
    private static void removeIfEmpty(Client c, byte[] key, ZSetValue z) {
        if (z.size() == 0) {
            c.db.delete(key);
            c.db.modified(key, KeyEvent.DEL, 0);
        }
    }

    // ------------------------------------------------------------------ ZADD ZINCRBY

    static void zadd(Client c) {
        addGeneric(c, false);
    }

    static void zincrby(Client c) {
        addGeneric(c, true);
    }

    /** zaddGenericCommand. */
    private static void addGeneric(Client c, boolean incrCommand) {
        boolean nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCommand;
        int scoreIdx = 2;
        if (!incrCommand) {
            for (; scoreIdx < c.argc; scoreIdx++) {
                byte[] a = c.argv[scoreIdx];
                if (Args.is(a, "nx")) {
                    nx = true;
                } else if (Args.is(a, "xx")) {
                    xx = true;
                } else if (Args.is(a, "ch")) {
                    ch = true;
                } else if (Args.is(a, "incr")) {
                    incr = true;
                } else if (Args.is(a, "gt")) {
                    gt = true;
                } else if (Args.is(a, "lt")) {
                    lt = true;
                } else {
                    break;
                }
            }
        }
        int elements = c.argc - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            c.syntaxError();
            return;
        }
        elements /= 2;
        if (nx && xx) {
            c.error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            c.error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1) {
            c.error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = ZSetValue.parseScore(c.argv[scoreIdx + j * 2]);
            if (Double.isNaN(scores[j])) {
                c.error(Errors.NOT_FLOAT);
                return;
            }
        }
        byte[] key = c.argv[1];
        ZSetValue z = write(c, key);
        if (z == WRONG) {
            return;
        }
        int added = 0, updated = 0, processed = 0;
        double score = 0;
        if (z == null) {
            if (xx) {
                reply(c, incr, ch, processed, score, added, updated);
                return;
            }
            z = new ZSetValue(maxEntries(c) == 0 || maxValue(c) < c.argv[scoreIdx + 1].length);
            c.db.add(key, z);
        }
        long maxEntries = maxEntries(c);
        long maxValue = maxValue(c);
        for (int j = 0; j < elements; j++) {
            double s = scores[j];
            byte[] member = c.argv[scoreIdx + j * 2 + 1];
            double cur = z.score(member);
            if (!Double.isNaN(cur)) {
                if (nx) {
                    continue;
                }
                if (incr) {
                    s += cur;
                    if (Double.isNaN(s)) {
                        c.error(NAN_SCORE);
                        notify(c, key, incr, added, updated);
                        return;
                    }
                }
                if ((lt && s >= cur) || (gt && s <= cur)) {
                    continue;
                }
                score = s;
                processed++;
                if (s != cur) {
                    z.set(member, s, maxEntries, maxValue);
                    updated++;
                }
            } else if (!xx) {
                z.set(member, s, maxEntries, maxValue);
                score = s;
                added++;
                processed++;
            }
        }
        reply(c, incr, ch, processed, score, added, updated);
        notify(c, key, incr, added, updated);
    }

    private static void reply(Client c, boolean incr, boolean ch, int processed, double score, int added,
            int updated) {
        if (incr) {
            if (processed > 0) {
                c.reply.doubleValue(score);
            } else {
                c.reply.nullBulk();
            }
        } else {
            c.reply.integer(ch ? added + updated : added);
        }
    }

    private static void notify(Client c, byte[] key, boolean incr, int added, int updated) {
        if (added + updated > 0) {
            c.db.modified(key, incr ? KeyEvent.ZINCR : KeyEvent.ZADD, added + updated);
        }
    }

    // ------------------------------------------------------------------ ZREM ZCARD ZSCORE ZMSCORE ZRANK

    static void zrem(Client c) {
        byte[] key = c.argv[1];
        ZSetValue z = write(c, key);
        if (z == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (z == WRONG) {
            return;
        }
        int deleted = 0;
        for (int i = 2; i < c.argc; i++) {
            if (z.remove(c.argv[i])) {
                deleted++;
                if (z.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            c.db.modified(key, KeyEvent.ZREM, deleted);
            removeIfEmpty(c, key, z);
        }
        c.reply.integer(deleted);
    }

    static void zcard(Client c) {
        ZSetValue z = read(c, c.argv[1]);
        if (z != WRONG) {
            c.reply.integer(z == null ? 0 : z.size());
        }
    }

    static void zscore(Client c) {
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        double s = z == null ? Double.NaN : z.score(c.argv[2]);
        if (Double.isNaN(s)) {
            c.reply.nullBulk();
        } else {
            c.reply.doubleValue(s);
        }
    }

    static void zmscore(Client c) {
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        c.reply.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            double s = z == null ? Double.NaN : z.score(c.argv[i]);
            if (Double.isNaN(s)) {
                c.reply.nullBulk();
            } else {
                c.reply.doubleValue(s);
            }
        }
    }

    static void zrank(Client c) {
        rank(c, false);
    }

    static void zrevrank(Client c) {
        rank(c, true);
    }

    private static void rank(Client c, boolean reverse) {
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        long r = z == null ? -1 : z.rank(c.argv[2], reverse);
        if (r < 0) {
            c.reply.nullBulk();
        } else {
            c.reply.integer(r);
        }
    }

    // ------------------------------------------------------------------ ranges

    /**
     * zslParseRangeItem: strtod over the rest after an optional '(' (leading spaces and overflow to infinity
     * allowed, the whole text must be read, no NaN); an empty text is 0. Null when not valid.
     */
    static double[] rangeItem(byte[] s) {
        boolean exclusive = s.length > 0 && s[0] == '(';
        byte[] text = exclusive ? java.util.Arrays.copyOfRange(s, 1, s.length) : s;
        int nul = 0;
        while (nul < text.length && text[nul] != 0) {
            nul++;
        }
        if (nul < text.length) {
            text = java.util.Arrays.copyOf(text, nul); // C sees the string end at a NUL
        }
        double v;
        if (text.length == 0) {
            v = 0;
        } else {
            int i = 0;
            while (i < text.length && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) {
                i++;
            }
            v = ZSetValue.parseScore(java.util.Arrays.copyOfRange(text, i, text.length));
            if (Double.isNaN(v)) {
                v = lenientOverflow(java.util.Arrays.copyOfRange(text, i, text.length));
                if (Double.isNaN(v)) {
                    return null;
                }
            }
        }
        return new double[] {v, exclusive ? 1 : 0};
    }

    /** A decimal that overflowed or underflowed for getDoubleFromObject, which strtod in a range accepts. */
    private static double lenientOverflow(byte[] s) {
        String t = new String(s, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!t.toLowerCase(java.util.Locale.ROOT).matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[-+]?[0-9]+)?")) {
            return Double.NaN;
        }
        return Double.parseDouble(t);
    }

    static SkipList.ScoreRange scoreRange(byte[] min, byte[] max) {
        double[] lo = rangeItem(min);
        double[] hi = rangeItem(max);
        if (lo == null || hi == null) {
            return null;
        }
        return new SkipList.ScoreRange(lo[0], lo[1] != 0, hi[0], hi[1] != 0);
    }

    static void zcount(Client c) {
        SkipList.ScoreRange range = scoreRange(c.argv[2], c.argv[3]);
        if (range == null) {
            c.error(NOT_FLOAT_RANGE);
            return;
        }
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        if (z == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        long first = z.firstRank(range);
        long last = z.lastRank(range);
        c.reply.integer(first < z.size() && last >= first ? last - first + 1 : 0);
    }

    static void zlexcount(Client c) {
        SkipList.LexRange range = SkipList.LexRange.parse(c.argv[2], c.argv[3]);
        if (range == null) {
            c.error(NOT_LEX_RANGE);
            return;
        }
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        if (z == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        long first = z.firstRank(range);
        if (first >= z.size()) {
            c.reply.raw(Replies.ZERO);
        } else if (z.isListpack()) {
            c.reply.integer(z.walk(range, first, false)); // zzl: counts on while at most the maximum
        } else {
            long count = z.size() - first; // zslGetRank arithmetic over the first and last in range
            long last = z.lastRank(range);
            if (last >= 0) {
                count -= z.size() - (last + 1);
            }
            c.reply.integer(count);
        }
    }

    private static final int AUTO = 0, RANK = 1, SCORE = 2, LEX = 3;

    static void zrange(Client c) {
        rangeGeneric(c, 1, false, AUTO, 0);
    }

    static void zrangestore(Client c) {
        rangeGeneric(c, 2, true, AUTO, 0);
    }

    static void zrevrange(Client c) {
        rangeGeneric(c, 1, false, RANK, -1);
    }

    static void zrangebyscore(Client c) {
        rangeGeneric(c, 1, false, SCORE, 1);
    }

    static void zrevrangebyscore(Client c) {
        rangeGeneric(c, 1, false, SCORE, -1);
    }

    static void zrangebylex(Client c) {
        rangeGeneric(c, 1, false, LEX, 1);
    }

    static void zrevrangebylex(Client c) {
        rangeGeneric(c, 1, false, LEX, -1);
    }

    /** zrangeGenericCommand; {@code direction} 0 auto, 1 forward, -1 reverse. */
    private static void rangeGeneric(Client c, int argStart, boolean store, int rangeType, int direction) {
        byte[] key = c.argv[argStart];
        int minIdx = argStart + 1;
        int maxIdx = argStart + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = argStart + 3; j < c.argc; j++) {
            int left = c.argc - j - 1;
            byte[] a = c.argv[j];
            if (!store && Args.is(a, "withscores")) {
                withScores = true;
            } else if (Args.is(a, "limit") && left >= 2) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                offset = c.parsedLong;
                if (!Args.longArg(c, j + 2)) {
                    return;
                }
                limit = c.parsedLong;
                j += 2;
            } else if (direction == 0 && Args.is(a, "rev")) {
                direction = -1;
            } else if (rangeType == AUTO && Args.is(a, "bylex")) {
                rangeType = LEX;
            } else if (rangeType == AUTO && Args.is(a, "byscore")) {
                rangeType = SCORE;
            } else {
                c.syntaxError();
                return;
            }
        }
        if (direction == 0) {
            direction = 1;
        }
        if (rangeType == AUTO) {
            rangeType = RANK;
        }
        if (limit != -1 && rangeType == RANK) {
            c.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && rangeType == LEX) {
            c.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        boolean reverse = direction < 0;
        if (reverse && rangeType != RANK) {
            int t = maxIdx;
            maxIdx = minIdx;
            minIdx = t;
        }
        long start = 0, end = 0;
        SkipList.ScoreRange scoreRange = null;
        SkipList.LexRange lexRange = null;
        if (rangeType == RANK) {
            if (!Args.longArg(c, minIdx)) {
                return;
            }
            start = c.parsedLong;
            if (!Args.longArg(c, maxIdx)) {
                return;
            }
            end = c.parsedLong;
        } else if (rangeType == SCORE) {
            scoreRange = scoreRange(c.argv[minIdx], c.argv[maxIdx]);
            if (scoreRange == null) {
                c.error(NOT_FLOAT_RANGE);
                return;
            }
        } else {
            lexRange = SkipList.LexRange.parse(c.argv[minIdx], c.argv[maxIdx]);
            if (lexRange == null) {
                c.error(NOT_LEX_RANGE);
                return;
            }
        }
        ZSetValue z = read(c, key);
        if (z == WRONG) {
            return;
        }
        // emit count elements from rank from, walking downwards when reverse
        long from = 0, count = 0;
        if (z != null) {
            long size = z.size();
            if (rangeType == RANK) {
                if (start < 0) {
                    start = size + start;
                }
                if (end < 0) {
                    end = size + end;
                }
                if (start < 0) {
                    start = 0;
                }
                if (!(start > end || start >= size)) {
                    if (end >= size) {
                        end = size - 1;
                    }
                    from = reverse ? size - 1 - start : start;
                    count = end - start + 1;
                }
            } else if (lexRange != null) {
                // as Redis: from the first (last) member in range skip offset members, then take while in range
                long edge = reverse ? z.lastRank(lexRange) : z.firstRank(lexRange);
                if (edge >= 0 && edge < size && offset >= 0 && limit != 0) {
                    long startRank = reverse ? edge - offset : edge + offset;
                    if (startRank >= 0 && startRank < size) {
                        long n = z.walk(lexRange, startRank, reverse);
                        if (limit > 0) {
                            n = Math.min(n, limit);
                        }
                        from = startRank;
                        count = n;
                    }
                }
            } else {
                long first = z.firstRank(scoreRange);
                long last = z.lastRank(scoreRange);
                if (first < size && last >= first && offset >= 0 && limit != 0) {
                    long n = last - first + 1 - offset;
                    if (limit > 0) {
                        n = Math.min(n, limit);
                    }
                    if (n > 0) {
                        from = reverse ? last - offset : first + offset;
                        count = n;
                    }
                }
            }
        }
        if (store) {
            store(c, c.argv[1], z, from, count, reverse, rangeType == RANK ? count : -1);
            return;
        }
        boolean resp3 = c.reply.protocol() >= 3;
        c.reply.array((int) (withScores && !resp3 ? count * 2 : count));
        if (count == 0) {
            return;
        }
        ZSetValue.Cursor cur = z.at(from);
        for (long i = 0; i < count; i++) {
            if (withScores && resp3) {
                c.reply.array(2);
            }
            c.reply.bulk(cur.member());
            if (withScores) {
                c.reply.doubleValue(cur.score());
            }
            if (reverse) {
                cur.prev();
            } else {
                cur.next();
            }
        }
    }

    /** zrangeResultBeginStore / EmitStore / FinalizeStore. */
    private static void store(Client c, byte[] dst, ZSetValue src, long from, long count, boolean reverse,
            long lengthHint) {
        if (count == 0) {
            c.reply.raw(Replies.ZERO);
            if (c.db.delete(dst)) {
                c.db.modified(dst, KeyEvent.DEL, 0);
            }
            return;
        }
        ZSetValue out = new ZSetValue(lengthHint > maxEntries(c));
        long maxEntries = maxEntries(c);
        long maxValue = maxValue(c);
        ZSetValue.Cursor cur = src.at(from);
        for (long i = 0; i < count; i++) {
            out.set(cur.member(), cur.score(), maxEntries, maxValue);
            if (reverse) {
                cur.prev();
            } else {
                cur.next();
            }
        }
        c.db.set(dst, out, false);
        c.reply.integer(count);
        c.db.modified(dst, KeyEvent.ZRANGESTORE);
    }

    // ------------------------------------------------------------------ ZREMRANGEBY*

    static void zremrangebyrank(Client c) {
        removeRange(c, RANK);
    }

    static void zremrangebyscore(Client c) {
        removeRange(c, SCORE);
    }

    static void zremrangebylex(Client c) {
        removeRange(c, LEX);
    }

    /** zremrangeGenericCommand. */
    private static void removeRange(Client c, int rangeType) {
        byte[] key = c.argv[1];
        long start = 0, end = 0;
        SkipList.ScoreRange scoreRange = null;
        SkipList.LexRange lexRange = null;
        if (rangeType == RANK) {
            if (!Args.longArg(c, 2)) {
                return;
            }
            start = c.parsedLong;
            if (!Args.longArg(c, 3)) {
                return;
            }
            end = c.parsedLong;
        } else if (rangeType == SCORE) {
            scoreRange = scoreRange(c.argv[2], c.argv[3]);
            if (scoreRange == null) {
                c.error(NOT_FLOAT_RANGE);
                return;
            }
        } else {
            lexRange = SkipList.LexRange.parse(c.argv[2], c.argv[3]);
            if (lexRange == null) {
                c.error(NOT_LEX_RANGE);
                return;
            }
        }
        ZSetValue z = write(c, key);
        if (z == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (z == WRONG) {
            return;
        }
        long size = z.size();
        if (rangeType == RANK) {
            if (start < 0) {
                start = size + start;
            }
            if (end < 0) {
                end = size + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (start > end || start >= size) {
                c.reply.raw(Replies.ZERO);
                return;
            }
            if (end >= size) {
                end = size - 1;
            }
        } else if (scoreRange != null) {
            start = z.firstRank(scoreRange);
            end = z.lastRank(scoreRange);
        }
        long deleted;
        if (lexRange != null) {
            deleted = z.removeRange(lexRange);
        } else {
            deleted = start < size && end >= start ? end - start + 1 : 0;
            if (deleted > 0) {
                z.removeRanks(start, end);
            }
        }
        if (deleted > 0) {
            c.db.modified(key, rangeType == RANK ? KeyEvent.ZREMRANGEBYRANK
                    : rangeType == SCORE ? KeyEvent.ZREMRANGEBYSCORE : KeyEvent.ZREMRANGEBYLEX, deleted);
            removeIfEmpty(c, key, z);
        }
        c.reply.integer(deleted);
    }

    // ------------------------------------------------------------------ ZPOPMIN ZPOPMAX ZMPOP

    static void zpopmin(Client c) {
        popMinMax(c, false);
    }

    static void zpopmax(Client c) {
        popMinMax(c, true);
    }

    private static final ErrorReply MUST_BE_POSITIVE = Errors.of("ERR value is out of range, must be positive");

    private static void popMinMax(Client c, boolean max) {
        if (c.argc > 3) {
            c.syntaxError();
            return;
        }
        long count = -1;
        if (c.argc == 3) {
            if (!Args.longArg(c, 2, MUST_BE_POSITIVE)) {
                return;
            }
            if (c.parsedLong < 0) {
                c.error(MUST_BE_POSITIVE);
                return;
            }
            count = c.parsedLong;
        }
        pop(c, 1, 1, max, false, count, c.reply.protocol() >= 3 && c.argc == 3, false, AS_RECEIVED);
    }

    /** How a pop is replayed: as received (ZPOPMIN, ZPOPMAX), as a plain ZPOPMIN/ZPOPMAX key, or with a count. */
    private static final int AS_RECEIVED = 0;
    private static final int PLAIN = 1;
    private static final int COUNTED = 2;

    /** genericZpopCommand over keys argv[firstKey .. firstKey+keys-1]. */
    private static void pop(Client c, int firstKey, int keys, boolean max, boolean emitKey, long count,
            boolean nested, boolean nilWhenEmpty, int replay) {
        byte[] key = null;
        ZSetValue z = null;
        for (int i = 0; i < keys; i++) {
            key = c.argv[firstKey + i];
            z = write(c, key);
            if (z == WRONG) {
                return;
            }
            if (z != null) {
                break;
            }
        }
        if (z == null) {
            if (nilWhenEmpty) {
                c.reply.nullArray();
            } else {
                c.reply.array(0);
            }
            return;
        }
        if (count == 0) { // ZPOPMIN/ZPOPMAX with count 0, answered after the type check
            c.reply.array(0);
            return;
        }
        popFrom(c, c.db, key, z, max, emitKey, count, nested, replay, false);
    }

    /**
     * Pops from {@code z}, the non-empty sorted set at {@code key} of {@code db}, and replies (genericZpopCommand's
     * body). ZMPOP and the blocking pops are replayed as ZPOPMIN/ZPOPMAX, with the number popped when
     * {@code replay} is {@link #COUNTED}: in place of the command, or on their own for a waiter {@code served}
     * after another client's command.
     */
    private static void popFrom(Client c, io.cinnabar.server.db.Database db, byte[] key, ZSetValue z, boolean max,
            boolean emitKey, long count, boolean nested, int replay, boolean served) {
        if (count == -1) {
            count = 1;
        }
        int n = (int) Math.min(count, z.size());
        if (!nested && !emitKey) {
            c.reply.array(n * 2);
        } else if (nested && !emitKey) {
            c.reply.array(n);
        } else if (!nested) {
            c.reply.array(n * 2 + 1);
            c.reply.bulk(key);
        } else {
            c.reply.array(2);
            c.reply.bulk(key);
            c.reply.array(n);
        }
        for (int i = 0; i < n; i++) {
            long rank = max ? z.size() - 1 : 0;
            ZSetValue.Cursor cur = z.at(rank);
            byte[] member = cur.member();
            double score = cur.score();
            z.removeRanks(rank, rank);
            if (i == 0) {
                // as genericZpopCommand: the event after the first removal, before its reply
                db.modified(key, max ? KeyEvent.ZPOPMAX : KeyEvent.ZPOPMIN, n);
            }
            if (nested) {
                c.reply.array(2);
            }
            c.reply.bulk(member);
            c.reply.doubleValue(score);
        }
        if (z.size() == 0) {
            db.delete(key);
            db.modified(key, KeyEvent.DEL, 0);
        }
        if (replay != AS_RECEIVED && c.propagating()) {
            byte[] name = max ? ZPOPMAX : ZPOPMIN;
            if (replay == PLAIN) {
                ListCommands.propagate(c, db, served, name, key);
            } else {
                ListCommands.propagate(c, db, served, name, key, Ascii.bytes(Integer.toString(n)));
            }
        }
    }

    private static final byte[] ZPOPMIN = Ascii.bytes("ZPOPMIN");
    private static final byte[] ZPOPMAX = Ascii.bytes("ZPOPMAX");

    static void bzpopmin(Client c) {
        blockingPop(c, false);
    }

    static void bzpopmax(Client c) {
        blockingPop(c, true);
    }

    /**
     * BZPOPMIN and BZPOPMAX (blockingGenericZpopCommand): served at once from the first non-empty key, as {key,
     * member, score}; otherwise parked until a key can serve or the deadline passes (a null array).
     */
    private static void blockingPop(Client c, boolean max) {
        long deadline = ListCommands.deadline(c, c.argv[c.argc - 1]);
        if (deadline < 0) {
            return;
        }
        blockingPop(c, java.util.Arrays.copyOfRange(c.argv, 1, c.argc - 1), max, -1, deadline);
    }

    /**
     * blockingGenericZpopCommand for BZPOPMIN/BZPOPMAX ({@code count} -1: {key, member, score}) and BZMPOP (a count:
     * {key, [[member, score] ...]}); a null array on timeout, or at once when the client may not wait.
     */
    private static void blockingPop(Client c, byte[][] keys, boolean max, long count, long deadline) {
        boolean mpop = count != -1;
        int replay = mpop ? COUNTED : PLAIN;
        for (byte[] key : keys) {
            Dict.Entry e = c.db.lookupWrite(key);
            if (e == null) {
                continue;
            }
            if (!(e.value instanceof ZSetValue z)) {
                c.wrongType();
                return;
            }
            popFrom(c, c.db, key, z, max, true, count, mpop, replay, false);
            return;
        }
        if (c.denyBlocking) {
            c.reply.nullArray();
            return;
        }
        c.engine.blocked().block(c, c.db, keys, deadline, (waiting, db, key) -> {
            Dict.Entry e = db.lookupWrite(key);
            if (e == null || !(e.value instanceof ZSetValue z) || z.size() == 0) {
                return false;
            }
            popFrom(waiting, db, key, z, max, true, count, mpop, replay, true);
            return true;
        });
    }

    static void zmpop(Client c) {
        mpop(c, 1, false);
    }

    static void bzmpop(Client c) {
        mpop(c, 2, true);
    }

    /**
     * zmpopGenericCommand: numkeys, the keys, MIN|MAX, an optional COUNT; BZMPOP's timeout (argv[1]) is read only
     * after all that, as blockingGenericZpopCommand does. Replayed as ZPOPMIN/ZPOPMAX key n, n the number popped.
     */
    private static void mpop(Client c, int numKeysIdx, boolean blocking) {
        int whereIdx = MpopArgs.sideIndex(c, numKeysIdx);
        if (whereIdx < 0) {
            return;
        }
        boolean max;
        if (Args.is(c.argv[whereIdx], "min")) {
            max = false;
        } else if (Args.is(c.argv[whereIdx], "max")) {
            max = true;
        } else {
            c.syntaxError();
            return;
        }
        long count = MpopArgs.count(c, whereIdx);
        if (count < 0) {
            return;
        }
        int numKeys = whereIdx - numKeysIdx - 1;
        if (!blocking) {
            pop(c, numKeysIdx + 1, numKeys, max, true, count, true, true, COUNTED);
            return;
        }
        long deadline = ListCommands.deadline(c, c.argv[1]);
        if (deadline < 0) {
            return;
        }
        blockingPop(c, java.util.Arrays.copyOfRange(c.argv, numKeysIdx + 1, whereIdx), max, count, deadline);
    }

    // ------------------------------------------------------------------ ZRANDMEMBER

    static void zrandmember(Client c) {
        if (c.argc == 2) {
            ZSetValue z = read(c, c.argv[1]);
            if (z == WRONG) {
                return;
            }
            if (z == null) {
                c.reply.nullBulk();
                return;
            }
            c.reply.bulk(z.at(c.engine.keyspace().random().nextInt(z.size())).member());
            return;
        }
        if (!Args.longArg(c, 2, -Long.MAX_VALUE, Long.MAX_VALUE, Errors.NOT_INTEGER)) {
            return;
        }
        long requested = c.parsedLong;
        if (c.argc > 4 || (c.argc == 4 && !Args.is(c.argv[3], "withscores"))) {
            c.syntaxError();
            return;
        }
        boolean withScores = c.argc == 4;
        if (withScores && (requested < -Long.MAX_VALUE / 2 || requested > Long.MAX_VALUE / 2)) {
            c.error("ERR value is out of range");
            return;
        }
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        if (z == null || requested == 0) {
            c.reply.array(0);
            return;
        }
        boolean resp3 = c.reply.protocol() >= 3;
        java.util.SplittableRandom random = c.engine.keyspace().random();
        if (requested < 0) {
            long count = -requested;
            c.reply.array((int) Math.min(Integer.MAX_VALUE, withScores && !resp3 ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                ZSetValue.Cursor cur = z.at(random.nextInt(z.size()));
                writePair(c, cur.member(), cur.score(), withScores, resp3);
            }
            return;
        }
        int size = z.size();
        if (requested >= size) { // the whole set, highest first as Redis 7.0 answers
            c.reply.array(withScores && !resp3 ? size * 2 : size);
            for (ZSetValue.Cursor cur = z.at(size - 1); cur.valid(); cur.prev()) {
                writePair(c, cur.member(), cur.score(), withScores, resp3);
            }
            return;
        }
        List<Object[]> all = new ArrayList<>(size);
        z.forEach((m, s) -> all.add(new Object[] {m, s}));
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Object[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        int count = (int) requested;
        c.reply.array(withScores && !resp3 ? count * 2 : count);
        for (int i = 0; i < count; i++) {
            writePair(c, (byte[]) all.get(i)[0], (Double) all.get(i)[1], withScores, resp3);
        }
    }

    private static void writePair(Client c, byte[] member, double score, boolean withScores, boolean resp3) {
        if (withScores && resp3) {
            c.reply.array(2);
        }
        c.reply.bulk(member);
        if (withScores) {
            c.reply.doubleValue(score);
        }
    }

    // ------------------------------------------------------------------ ZUNION ZINTER ZDIFF ZINTERCARD

    private static final int UNION = 0, INTER = 1, DIFF = 2;
    private static final int SUM = 0, MIN = 1, MAX = 2;

    static void zunion(Client c) {
        setOp(c, null, 1, UNION, false);
    }

    static void zinter(Client c) {
        setOp(c, null, 1, INTER, false);
    }

    static void zdiff(Client c) {
        setOp(c, null, 1, DIFF, false);
    }

    static void zunionstore(Client c) {
        setOp(c, c.argv[1], 2, UNION, false);
    }

    static void zinterstore(Client c) {
        setOp(c, c.argv[1], 2, INTER, false);
    }

    static void zdiffstore(Client c) {
        setOp(c, c.argv[1], 2, DIFF, false);
    }

    static void zintercard(Client c) {
        setOp(c, null, 1, INTER, true);
    }

    private static double aggregate(double target, double value, int aggregate) {
        if (aggregate == SUM) {
            double sum = target + value;
            return Double.isNaN(sum) ? 0.0 : sum; // +inf plus -inf counts as 0
        }
        if (aggregate == MIN) {
            return value < target ? value : target;
        }
        return value > target ? value : target;
    }

    /** A plain set read as a sorted set whose members all score 1 (an input of ZUNION, ZINTER and ZDIFF). */
    private static ZSetValue asSortedSet(io.cinnabar.server.types.SetValue set) {
        ZSetValue z = new ZSetValue(true);
        set.forEach(member -> z.set(member, 1.0, 0, 0));
        return z;
    }

    /** zunionInterDiffGenericCommand. */
    private static void setOp(Client c, byte[] dst, int numKeysIdx, int op, boolean cardinalityOnly) {
        if (!Args.longArg(c, numKeysIdx)) {
            return;
        }
        long setNum = c.parsedLong;
        if (setNum < 1) {
            c.error("ERR at least 1 input key is needed for '" + c.cmd.fullName + "' command");
            return;
        }
        if (setNum > c.argc - (numKeysIdx + 1)) {
            c.syntaxError();
            return;
        }
        int n = (int) setNum;
        ZSetValue[] src = new ZSetValue[n];
        double[] weights = new double[n];
        int j = numKeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Dict.Entry e = dst != null ? c.db.lookupWrite(c.argv[j]) : c.db.lookupRead(c.argv[j]);
            if (e != null) {
                if (e.value instanceof io.cinnabar.server.types.SetValue set) {
                    src[i] = asSortedSet(set); // as Redis: a plain set's members, each with score 1
                } else if (!(e.value instanceof ZSetValue z)) {
                    c.wrongType();
                    return;
                } else {
                    src[i] = z;
                }
            }
            weights[i] = 1.0;
        }
        int aggregate = SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = c.argc - j;
        while (remaining > 0) {
            byte[] a = c.argv[j];
            if (op != DIFF && !cardinalityOnly && remaining >= n + 1 && Args.is(a, "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < n; i++, j++, remaining--) {
                    weights[i] = ZSetValue.parseScore(c.argv[j]);
                    if (Double.isNaN(weights[i])) {
                        c.error("ERR weight value is not a float");
                        return;
                    }
                }
            } else if (op != DIFF && !cardinalityOnly && remaining >= 2 && Args.is(a, "aggregate")) {
                j++;
                remaining--;
                if (Args.is(c.argv[j], "sum")) {
                    aggregate = SUM;
                } else if (Args.is(c.argv[j], "min")) {
                    aggregate = MIN;
                } else if (Args.is(c.argv[j], "max")) {
                    aggregate = MAX;
                } else {
                    c.syntaxError();
                    return;
                }
                j++;
                remaining--;
            } else if (dst == null && !cardinalityOnly && Args.is(a, "withscores")) {
                j++;
                remaining--;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && Args.is(a, "limit")) {
                j++;
                remaining--;
                ErrorReply negative = Errors.of("ERR LIMIT can't be negative");
                if (!Args.longArg(c, j, 0, Long.MAX_VALUE, negative)) {
                    return;
                }
                limit = c.parsedLong;
                j++;
                remaining--;
            } else {
                c.syntaxError();
                return;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (op != DIFF) { // smallest first, as Redis sorts its inputs
            java.util.Arrays.sort(order, (x, y) -> Integer.compare(length(src[x]), length(src[y])));
        }
        List<byte[]> members = new ArrayList<>();
        it.unimi.dsi.fastutil.doubles.DoubleArrayList scores = new it.unimi.dsi.fastutil.doubles.DoubleArrayList();
        long cardinality = 0;
        if (op == INTER) {
            ZSetValue first = src[order[0]];
            if (length(first) > 0) {
                for (ZSetValue.Cursor cur = first.at(0); cur.valid(); cur.next()) {
                    byte[] member = cur.member();
                    double own = cur.score();
                    double score = weights[order[0]] * own;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    int k;
                    for (k = 1; k < n; k++) {
                        ZSetValue other = src[order[k]];
                        double value = other == first ? own : other.score(member);
                        if (Double.isNaN(value)) {
                            break;
                        }
                        score = aggregate(score, value * weights[order[k]], aggregate);
                    }
                    if (k == n) {
                        if (cardinalityOnly) {
                            cardinality++;
                            if (limit != 0 && cardinality >= limit) {
                                break;
                            }
                        } else {
                            members.add(member);
                            scores.add(score);
                        }
                    }
                }
            }
        } else if (op == UNION) {
            it.unimi.dsi.fastutil.objects.Object2DoubleLinkedOpenCustomHashMap<byte[]> acc =
                    new it.unimi.dsi.fastutil.objects.Object2DoubleLinkedOpenCustomHashMap<>(
                            it.unimi.dsi.fastutil.bytes.ByteArrays.HASH_STRATEGY);
            for (int i = 0; i < n; i++) {
                ZSetValue z = src[order[i]];
                double w = weights[order[i]];
                if (length(z) == 0) {
                    continue;
                }
                int aggr = aggregate;
                z.forEach((member, s) -> {
                    double score = w * s;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    if (acc.containsKey(member)) {
                        acc.put(member, aggregate(acc.getDouble(member), score, aggr));
                    } else {
                        acc.put(member, score);
                    }
                });
            }
            for (var e : acc.object2DoubleEntrySet()) {
                members.add(e.getKey());
                scores.add(e.getDoubleValue());
            }
        } else {
            ZSetValue first = src[0];
            if (length(first) > 0) {
                for (ZSetValue.Cursor cur = first.at(0); cur.valid(); cur.next()) {
                    byte[] member = cur.member();
                    boolean found = false;
                    for (int k = 1; k < n && !found; k++) {
                        found = src[k] != null && !Double.isNaN(src[k].score(member));
                    }
                    if (!found) {
                        members.add(member);
                        scores.add(cur.score());
                    }
                }
            }
        }
        if (cardinalityOnly) {
            c.reply.integer(cardinality);
            return;
        }
        int maxLength = 0;
        for (byte[] m : members) {
            maxLength = Math.max(maxLength, m.length);
        }
        boolean listpack = dst != null && members.size() <= maxEntries(c) && maxLength <= maxValue(c);
        ZSetValue result = new ZSetValue(!listpack);
        for (int i = 0; i < members.size(); i++) {
            result.set(members.get(i), scores.getDouble(i), Long.MAX_VALUE, Long.MAX_VALUE);
        }
        if (dst != null) {
            if (result.size() > 0) {
                c.db.set(dst, result, false);
                c.reply.integer(result.size());
                c.db.modified(dst, op == UNION ? KeyEvent.ZUNIONSTORE
                        : op == INTER ? KeyEvent.ZINTERSTORE : KeyEvent.ZDIFFSTORE);
            } else {
                c.reply.raw(Replies.ZERO);
                if (c.db.delete(dst)) {
                    c.db.modified(dst, KeyEvent.DEL, 0);
                }
            }
            return;
        }
        boolean resp3 = c.reply.protocol() >= 3;
        c.reply.array(withScores && !resp3 ? result.size() * 2 : result.size());
        for (ZSetValue.Cursor cur = result.at(0); cur.valid(); cur.next()) {
            writePair(c, cur.member(), cur.score(), withScores, resp3);
        }
    }

    private static int length(ZSetValue z) {
        return z == null ? 0 : z.size();
    }

    // ------------------------------------------------------------------ ZSCAN

    /** ZSCAN: a listpack answers whole; so does a skiplist here (cursor 0), which Redis scans through its dict. */
    static void zscan(Client c) {
        long cursor = KeyCommands.parseCursor(c.argv[2]);
        if (cursor == KeyCommands.INVALID_CURSOR) {
            c.error(Errors.INVALID_CURSOR);
            return;
        }
        ZSetValue z = read(c, c.argv[1]);
        if (z == WRONG) {
            return;
        }
        if (z == null) {
            ScanArgs.replyEmpty(c);
            return;
        }
        ScanArgs args = ScanArgs.parse(c, 3);
        if (args == null) {
            return;
        }
        List<byte[]> found = new ArrayList<>();
        z.forEach((m, s) -> { // every member in one reply, cursor 0 (see README: a skiplist is not walked by cursor)
            if (args.matches(m)) {
                found.add(m);
                found.add(io.cinnabar.protocol.bytes.DoubleFormat.g17(s));
            }
        });
        ScanArgs.reply(c, 0, found);
    }
}
