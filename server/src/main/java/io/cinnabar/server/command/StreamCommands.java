package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.EffectsBatch;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.BlockedClients;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.Listpack;
import io.cinnabar.server.types.PelMap;
import io.cinnabar.server.types.StreamConsumer;
import io.cinnabar.server.types.StreamGroup;
import io.cinnabar.server.types.StreamID;
import io.cinnabar.server.types.StreamNack;
import io.cinnabar.server.types.StreamValue;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;

/**
 * Stream commands, as t_stream.c in Redis 7.0 (BSD-3-Clause, Copyright (c) 2017 Salvatore Sanfilippo; see
 * NOTICE): XADD, XRANGE, XREVRANGE, XLEN, XREAD, XREADGROUP, XDEL, XTRIM, XSETID, XGROUP, XACK, XPENDING,
 * XCLAIM, XAUTOCLAIM and XINFO, with Redis's argument order, errors, replies and propagation (XREADGROUP,
 * XCLAIM and XAUTOCLAIM propagate as XCLAIM ... LASTID and XGROUP SETID / CREATECONSUMER, XADD and XTRIM with the
 * generated ID and the exact trim they did).
 */
final class StreamCommands {
    private StreamCommands() {
    }

    private static final ErrorReply INVALID_ID =
            Errors.of("ERR Invalid stream ID specified as stream command argument");
    private static final ErrorReply INVALID_START = Errors.of("ERR invalid start ID for the interval");
    private static final ErrorReply INVALID_END = Errors.of("ERR invalid end ID for the interval");
    private static final ErrorReply XCLAIM_MIN_IDLE = Errors.of("ERR Invalid min-idle-time argument for XCLAIM");
    private static final ErrorReply XCLAIM_IDLE = Errors.of("ERR Invalid IDLE option argument for XCLAIM");
    private static final ErrorReply XCLAIM_TIME = Errors.of("ERR Invalid TIME option argument for XCLAIM");
    private static final ErrorReply XCLAIM_RETRYCOUNT = Errors.of("ERR Invalid RETRYCOUNT option argument for XCLAIM");
    private static final ErrorReply XAUTOCLAIM_MIN_IDLE = Errors.of("ERR Invalid min-idle-time argument for XAUTOCLAIM");
    private static final ErrorReply XAUTOCLAIM_COUNT = Errors.of("ERR COUNT must be > 0");
    private static final byte[] XCLAIM = ascii("XCLAIM");
    private static final byte[] XGROUP = ascii("XGROUP");
    private static final byte[] SETID = ascii("SETID");
    private static final byte[] CREATECONSUMER = ascii("CREATECONSUMER");
    private static final byte[] ENTRIESREAD = ascii("ENTRIESREAD");
    private static final byte[] TIME = ascii("TIME");
    private static final byte[] RETRYCOUNT = ascii("RETRYCOUNT");
    private static final byte[] FORCE = ascii("FORCE");
    private static final byte[] JUSTID = ascii("JUSTID");
    private static final byte[] LASTID = ascii("LASTID");
    private static final byte[] ZERO = ascii("0");
    private static final byte[] EQUALS = ascii("=");
    /** XREAD_BLOCKED_DEFAULT_COUNT: a blocked XREAD without COUNT is served at most this many entries. */
    private static final long BLOCKED_DEFAULT_COUNT = 1000;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- helpers

    private static long now(Client c) {
        return c.engine.keyspace().now;
    }

    /** The stream at {@code key}, looked up for reading; null if absent, or after replying WRONGTYPE (check c.failed()). */
    private static StreamValue readable(Client c, byte[] key) {
        Dict.Entry e = c.db.lookupRead(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof StreamValue s)) {
            c.wrongType();
            return null;
        }
        return s;
    }

    private static StreamValue writable(Client c, byte[] key) {
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof StreamValue s)) {
            c.wrongType();
            return null;
        }
        return s;
    }

    /** streamParseIDOrReply / streamParseStrictIDOrReply; null after replying the error. */
    private static StreamID parseId(Client c, byte[] arg, long missingSeq, boolean strict) {
        StreamID id = StreamID.parse(arg, 0, arg.length, missingSeq, strict, null);
        if (id == null) {
            c.error(INVALID_ID);
        }
        return id;
    }

    /** streamParseIntervalIDOrReply: a {@code (} prefix makes the bound exclusive (and strict). */
    private static StreamID parseInterval(Client c, byte[] arg, long missingSeq, boolean[] exclusive) {
        boolean ex = arg.length > 1 && arg[0] == '(';
        exclusive[0] = ex;
        StreamID id = ex ? StreamID.parse(arg, 1, arg.length - 1, missingSeq, true, null)
                : StreamID.parse(arg, 0, arg.length, missingSeq, false, null);
        if (id == null) {
            c.error(INVALID_ID);
        }
        return id;
    }

    /**
     * An error built as addReplyErrorFormat builds it: each byte[] part as a C string (to its first NUL), and
     * newlines turned into spaces so the protocol stays valid. A message starting with '-' keeps its own code.
     */
    private static void errorf(Client c, Object... parts) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = part instanceof byte[] bytes ? bytes : ((String) part).getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                if (x == 0 && part instanceof byte[]) {
                    break;
                }
                m.write(x == '\r' || x == '\n' ? ' ' : x);
            }
        }
        byte[] msg = m.toByteArray();
        if (msg.length > 0 && msg[0] == '-') {
            msg = java.util.Arrays.copyOfRange(msg, 1, msg.length);
        } else {
            byte[] withCode = new byte[msg.length + 4];
            System.arraycopy(ascii("ERR "), 0, withCode, 0, 4);
            System.arraycopy(msg, 0, withCode, 4, msg.length);
            msg = withCode;
        }
        c.error(msg);
    }

    /**
     * An ID as a bulk string, {@code $<len>\r\n<ms>-<seq>\r\n}: formatted backwards into one small array and
     * written at once (every entry of every reply carries one).
     */
    static void replyId(Client c, long ms, long seq) {
        byte[] b = new byte[64];
        int p = 64;
        b[--p] = '\n';
        b[--p] = '\r';
        p = unsignedDigits(b, p, seq);
        b[--p] = '-';
        p = unsignedDigits(b, p, ms);
        int len = 62 - p;
        b[--p] = '\n';
        b[--p] = '\r';
        p = unsignedDigits(b, p, len);
        b[--p] = '$';
        c.reply.buffer().writeBytes(b, p, 64 - p);
    }

    /** Writes {@code v} (unsigned) in decimal ending before {@code p}; returns where it starts. */
    private static int unsignedDigits(byte[] b, int p, long v) {
        if (v < 0) {
            long q = Long.divideUnsigned(v, 10);
            b[--p] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        do {
            long q = v / 10;
            b[--p] = (byte) ('0' + (v - q * 10));
            v = q;
        } while (v != 0);
        return p;
    }

    static void replyId(Client c, StreamID id) {
        replyId(c, id.ms, id.seq);
    }

    /** A listpack element as a bulk string (integers as their decimal text, as lpGet gives them). */
    private static void bulkAt(Client c, Listpack lp, int pos) {
        if (lp.isInteger(pos)) {
            c.reply.bulkLong(lp.integerAt(pos));
        } else {
            c.reply.bulk(lp.array(), lp.stringOffset(pos), lp.stringLength(pos));
        }
    }

    /** The iterator's current entry as {@code [id, [field, value, ...]]}. */
    private static void replyEntry(Client c, StreamValue.Iterator it) {
        c.reply.array(2);
        replyId(c, it.ms, it.seq);
        c.reply.array(it.numFields * 2);
        Listpack lp = it.listpack();
        for (int i = 0; i < it.numFields; i++) {
            it.nextField();
            bulkAt(c, lp, it.fieldPos);
            bulkAt(c, lp, it.valuePos);
        }
    }

    /**
     * addReplyDeferredLen: the reply goes to a scratch buffer until {@link #endDeferred} knows its length. Returns
     * the client's buffer, to hand back.
     */
    private static ByteBuf beginDeferred(Client c) {
        ByteBuf saved = c.reply.buffer();
        c.reply.buffer(saved.alloc().heapBuffer(256));
        return saved;
    }

    /** setDeferredArrayLen / setDeferredMapLen: the header, then what was written meanwhile. */
    private static void endDeferred(Client c, ByteBuf saved, long n, boolean map) {
        ByteBuf body = c.reply.buffer();
        c.reply.buffer(saved);
        if (map) {
            c.reply.map((int) n);
        } else {
            c.reply.array((int) n);
        }
        saved.writeBytes(body);
        body.release();
    }

    /** Puts the client's own buffer back after a failure between begin and end (the scratch is dropped). */
    private static void abandonDeferred(Client c, ByteBuf saved) {
        ByteBuf body = c.reply.buffer();
        if (body != saved) {
            c.reply.buffer(saved);
            body.release();
        }
    }

    private static byte[] idBytes(StreamID id) {
        return id.toBytes();
    }

    private static byte[] longBytes(long v) {
        return Numbers.toNewBytes(v);
    }

    // ---------------------------------------------------------------- streamReplyWithRange

    /** What propagation needs for entries a group delivers (streamPropInfo). */
    private record PropInfo(byte[] key, byte[] groupName) {
    }

    /**
     * streamReplyWithRange: entries from {@code start} to {@code end} (null: the last), at most {@code count} (0:
     * all), in order or reversed. With a group, as XREADGROUP delivers: the group's last ID and read counter
     * advance, each entry enters the PEL of the group and the consumer (unless {@code noack}), and each delivery
     * propagates as XCLAIM; with {@code history} the consumer's own PEL is served instead. {@code raw} writes the
     * entries without an enclosing array. Returns the number of entries.
     */
    private static long replyWithRange(Client c, StreamValue s, StreamID start, StreamID end, long count,
            boolean rev, StreamGroup group, StreamConsumer consumer, boolean noack, boolean history, boolean raw,
            PropInfo prop) {
        if (group != null && history) {
            return replyFromConsumerPel(c, s, start, end, count, consumer);
        }
        ByteBuf saved = raw ? null : beginDeferred(c);
        long n = 0;
        try {
            StreamValue.Iterator it = new StreamValue.Iterator(s, start, end, rev);
            boolean propagateLastId = false;
            while (it.next()) {
                if (group != null
                        && StreamID.compare(it.ms, it.seq, group.lastId.ms, group.lastId.seq) > 0) {
                    StreamID id = new StreamID(it.ms, it.seq);
                    if (group.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !s.rangeHasTombstones(id)) {
                        group.entriesRead++;
                    } else if (s.entriesAdded() != 0) {
                        group.entriesRead = s.estimateDistanceFromFirstEverEntry(id);
                    }
                    group.lastId = id;
                    if (noack) {
                        propagateLastId = true;
                    }
                }
                long ms = it.ms;
                long seq = it.seq;
                replyEntry(c, it);
                if (group != null && !noack) {
                    long now = now(c);
                    StreamNack nack = group.pel.get(ms, seq);
                    if (nack == null) {
                        nack = new StreamNack(consumer, now);
                        group.pel.put(ms, seq, nack);
                        consumer.pel.put(ms, seq, nack);
                    } else {
                        nack.consumer.pel.removeNack(ms, seq, nack);
                        nack.consumer = consumer;
                        nack.deliveryTime = now;
                        nack.deliveryCount = 1;
                        consumer.pel.put(ms, seq, nack);
                    }
                    if (prop != null && c.propagating()) {
                        propagateXclaim(c, prop.key, group, prop.groupName, StreamID.toBytes(ms, seq), nack);
                    }
                }
                n++;
                if (count != 0 && count == n) {
                    break;
                }
            }
            if (prop != null && propagateLastId) {
                propagateGroupId(c, prop.key, group, prop.groupName);
            }
        } catch (RuntimeException | Error e) {
            if (saved != null) {
                abandonDeferred(c, saved);
            }
            throw e;
        }
        if (saved != null) {
            endDeferred(c, saved, n, false);
        }
        return n;
    }

    /**
     * streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from {@code start}, each delivered again
     * (its delivery time and count move), an entry that is gone as {@code [id, nil]}.
     */
    private static long replyFromConsumerPel(Client c, StreamValue s, StreamID start, StreamID end, long count,
            StreamConsumer consumer) {
        ByteBuf saved = beginDeferred(c);
        long n = 0;
        try {
            PelMap pel = consumer.pel;
            for (long p = pel.ceiling(start); p >= 0; p = pel.next(p)) {
                if (count != 0 && n >= count) {
                    break;
                }
                StreamID id = pel.key(p);
                if (end != null && id.compareTo(end) > 0) {
                    break;
                }
                StreamValue.Iterator it = new StreamValue.Iterator(s, id, id, false);
                if (!it.next()) {
                    c.reply.array(2);
                    replyId(c, id);
                    c.reply.nullArray();
                } else {
                    replyEntry(c, it);
                    StreamNack nack = pel.value(p);
                    nack.deliveryTime = now(c);
                    nack.deliveryCount++;
                }
                n++;
            }
        } catch (RuntimeException | Error e) {
            abandonDeferred(c, saved);
            throw e;
        }
        endDeferred(c, saved, n, false);
        return n;
    }

    /**
     * streamPropagateXCLAIM: {@code XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID id},
     * which recreates the PEL entry and the group's last ID idempotently on a replica or AOF replay.
     */
    private static void propagateXclaim(Client c, byte[] key, StreamGroup group, byte[] groupName, byte[] id,
            StreamNack nack) {
        if (!c.propagating()) {
            return;
        }
        c.propagate(XCLAIM, key, groupName, nack.consumer.name, ZERO, id, TIME, longBytes(nack.deliveryTime),
                RETRYCOUNT, longBytes(nack.deliveryCount), FORCE, JUSTID, LASTID, idBytes(group.lastId));
    }

    /** streamPropagateGroupID: {@code XGROUP SETID key group id ENTRIESREAD n} (NOACK reads, XCLAIM LASTID). */
    private static void propagateGroupId(Client c, byte[] key, StreamGroup group, byte[] groupName) {
        if (!c.propagating()) {
            return;
        }
        c.propagate(XGROUP, SETID, key, groupName, idBytes(group.lastId), ENTRIESREAD,
                longBytes(group.entriesRead));
    }

    /** streamPropagateConsumerCreation: {@code XGROUP CREATECONSUMER key group consumer} (NOACK reads). */
    private static void propagateConsumerCreation(Client c, byte[] key, byte[] groupName, byte[] consumer) {
        if (!c.propagating()) {
            return;
        }
        c.propagate(XGROUP, CREATECONSUMER, key, groupName, consumer);
    }

    /** streamCreateConsumer with notification and dirty++ (SCC_DEFAULT). */
    private static StreamConsumer createConsumer(Client c, Database db, byte[] key, StreamGroup g, byte[] name) {
        StreamConsumer consumer = g.createConsumer(name, now(c));
        if (consumer != null) {
            db.modified(key, KeyEvent.XGROUP_CREATECONSUMER);
        }
        return consumer;
    }

    // ---------------------------------------------------------------- XADD / XTRIM

    /** streamAddTrimArgs. */
    private static final class TrimArgs {
        StreamID id;
        boolean idGiven;
        boolean seqGiven;
        boolean noMkstream;
        int strategy = StreamValue.TRIM_NONE;
        int strategyArgIdx;
        boolean approx;
        long limit;
        long maxLen;
        StreamID minId;
    }

    /**
     * streamParseAddOrTrimArgsOrReply: returns the index of XADD's ID argument (for XTRIM, past the options), or
     * -1 after replying an error.
     */
    private static int parseAddOrTrimArgs(Client c, TrimArgs args, boolean xadd) {
        int i = 2;
        boolean limitGiven = false;
        for (; i < c.argc; i++) {
            int moreArgs = c.argc - 1 - i;
            byte[] opt = c.argv[i];
            if (xadd && opt.length >= 1 && opt[0] == '*' && (opt.length == 1 || opt[1] == 0)) {
                break; // the fast path for auto-generated IDs
            } else if (Args.is(opt, "maxlen") && moreArgs > 0) {
                if (args.strategy != StreamValue.TRIM_NONE) {
                    c.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return -1;
                }
                args.approx = false;
                byte[] next = c.argv[i + 1];
                if (moreArgs >= 2 && isSingle(next, '~')) {
                    args.approx = true;
                    i++;
                } else if (moreArgs >= 2 && isSingle(next, '=')) {
                    i++;
                }
                if (!Args.longArg(c, i + 1)) {
                    return -1;
                }
                args.maxLen = c.parsedLong;
                if (args.maxLen < 0) {
                    c.error("ERR The MAXLEN argument must be >= 0.");
                    return -1;
                }
                i++;
                args.strategy = StreamValue.TRIM_MAXLEN;
                args.strategyArgIdx = i;
            } else if (Args.is(opt, "minid") && moreArgs > 0) {
                if (args.strategy != StreamValue.TRIM_NONE) {
                    c.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return -1;
                }
                args.approx = false;
                byte[] next = c.argv[i + 1];
                if (moreArgs >= 2 && isSingle(next, '~')) {
                    args.approx = true;
                    i++;
                } else if (moreArgs >= 2 && isSingle(next, '=')) {
                    i++;
                }
                args.minId = parseId(c, c.argv[i + 1], 0, true);
                if (args.minId == null) {
                    return -1;
                }
                i++;
                args.strategy = StreamValue.TRIM_MINID;
                args.strategyArgIdx = i;
            } else if (Args.is(opt, "limit") && moreArgs > 0) {
                if (!Args.longArg(c, i + 1)) {
                    return -1;
                }
                args.limit = c.parsedLong;
                if (args.limit < 0) {
                    c.error("ERR The LIMIT argument must be >= 0.");
                    return -1;
                }
                limitGiven = true;
                i++;
            } else if (xadd && Args.is(opt, "nomkstream")) {
                args.noMkstream = true;
            } else if (xadd) {
                StreamID.Parsed parsed = new StreamID.Parsed();
                if (StreamID.parse(opt, 0, opt.length, 0, true, parsed) == null) {
                    c.error(INVALID_ID);
                    return -1;
                }
                args.id = parsed.id;
                args.seqGiven = parsed.seqGiven;
                args.idGiven = true;
                break;
            } else {
                c.syntaxError();
                return -1;
            }
        }
        if (args.limit != 0 && args.strategy == StreamValue.TRIM_NONE) {
            c.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return -1;
        }
        if (!xadd && args.strategy == StreamValue.TRIM_NONE) {
            c.error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return -1;
        }
        // Cinnabar has no master or AOF to obey yet (mustObeyClient would drop the limit)
        if (limitGiven) {
            if (!args.approx) {
                c.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                return -1;
            }
        } else if (args.approx) {
            args.limit = 100 * c.engine.config().streamNodeMaxEntries();
            if (args.limit <= 0) {
                args.limit = 10000;
            }
            if (args.limit > 1000000) {
                args.limit = 1000000;
            }
        } else {
            args.limit = 0;
        }
        return i;
    }

    /** Redis's {@code s[0] == x && s[1] == '\0'} on a C string. */
    private static boolean isSingle(byte[] s, char x) {
        return s.length >= 1 && s[0] == x && (s.length == 1 || s[1] == 0);
    }

    private static long trim(Client c, StreamValue s, TrimArgs args) {
        return s.trim(args.strategy, args.maxLen, args.minId, args.approx, args.limit);
    }

    /**
     * streamRewriteApproxSpecifier and streamRewriteTrimArgument: {@code ~ n} propagates as {@code = <length>}
     * (MAXLEN) or {@code = <first id>} (MINID), so replicas and the AOF trim exactly what was trimmed here.
     */
    private static void rewriteTrim(StreamValue s, TrimArgs args, byte[][] argv) {
        argv[args.strategyArgIdx - 1] = EQUALS;
        if (args.strategy == StreamValue.TRIM_MAXLEN) {
            argv[args.strategyArgIdx] = longBytes(s.length());
        } else {
            long[] first = s.edge(true, false);
            argv[args.strategyArgIdx] = StreamID.toBytes(first[0], first[1]);
        }
    }

    /** XADD key [NOMKSTREAM] [(MAXLEN|MINID) [=|~] threshold [LIMIT count]] (*|id) field value [field value ...] */
    static void xadd(Client c) {
        TrimArgs args = new TrimArgs();
        int idPos = parseAddOrTrimArgs(c, args, true);
        if (idPos < 0) {
            return;
        }
        int fieldPos = idPos + 1;
        if (c.argc - fieldPos < 2 || (c.argc - fieldPos) % 2 == 1) {
            c.error("ERR wrong number of arguments for 'xadd' command");
            return;
        }
        if (args.idGiven && args.seqGiven && args.id.isZero()) {
            c.error("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        StreamValue s;
        if (e == null) {
            if (args.noMkstream) {
                c.reply.nullBulk();
                return;
            }
            s = new StreamValue();
            c.db.add(key, s);
        } else if (e.value instanceof StreamValue existing) {
            s = existing;
        } else {
            c.wrongType();
            return;
        }
        if (s.lastMs() == -1L && s.lastSeq() == -1L) {
            c.error("ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        int result = s.append(c.argv, fieldPos, (c.argc - fieldPos) / 2, args.idGiven ? args.id : null,
                args.seqGiven, now(c), c.engine.config().streamNodeMaxBytes(),
                c.engine.config().streamNodeMaxEntries());
        if (result == StreamValue.ID_TOO_SMALL) {
            c.error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        } else if (result == StreamValue.TOO_LARGE) {
            c.error("ERR Elements are too large to be stored");
            return;
        }
        long ms = s.addedMs();
        long seq = s.addedSeq();
        replyId(c, ms, seq);
        c.db.modified(key, KeyEvent.XADD);
        byte[][] propagated = null;
        if (args.strategy != StreamValue.TRIM_NONE) {
            if (trim(c, s, args) != 0) {
                c.db.modified(key, KeyEvent.XTRIM, 0);
            }
            if (args.approx && c.propagating()) {
                propagated = java.util.Arrays.copyOf(c.argv, c.argc);
                rewriteTrim(s, args, propagated);
            }
        }
        if ((!args.idGiven || !args.seqGiven) && c.propagating()) {
            if (propagated == null) {
                propagated = java.util.Arrays.copyOf(c.argv, c.argc);
            }
            propagated[idPos] = StreamID.toBytes(ms, seq);
        }
        if (propagated != null) {
            c.propagate(propagated);
        }
    }

    /** XTRIM key (MAXLEN|MINID) [=|~] threshold [LIMIT count] */
    static void xtrim(Client c) {
        TrimArgs args = new TrimArgs();
        if (parseAddOrTrimArgs(c, args, false) < 0) {
            return;
        }
        byte[] key = c.argv[1];
        StreamValue s = writable(c, key);
        if (s == null) {
            if (!c.failed()) {
                c.reply.raw(Replies.ZERO);
            }
            return;
        }
        long deleted = trim(c, s, args);
        if (deleted != 0) {
            c.db.modified(key, KeyEvent.XTRIM, deleted);
            if (args.approx && c.propagating()) {
                byte[][] propagated = java.util.Arrays.copyOf(c.argv, c.argc);
                rewriteTrim(s, args, propagated);
                c.propagate(propagated);
            }
        }
        c.reply.integer(deleted);
    }

    /** XDEL key id [id ...] */
    static void xdel(Client c) {
        byte[] key = c.argv[1];
        StreamValue s = writable(c, key);
        if (s == null) {
            if (!c.failed()) {
                c.reply.raw(Replies.ZERO);
            }
            return;
        }
        StreamID[] ids = new StreamID[c.argc - 2];
        for (int j = 2; j < c.argc; j++) {
            if ((ids[j - 2] = parseId(c, c.argv[j], 0, true)) == null) {
                return;
            }
        }
        long deleted = 0;
        boolean firstEntry = false;
        for (StreamID id : ids) {
            if (s.delete(id)) {
                if (id.equals(s.firstId())) {
                    firstEntry = true;
                }
                s.deleted(id);
                deleted++;
            }
        }
        if (deleted != 0) {
            s.refreshFirstId(firstEntry);
            c.db.modified(key, KeyEvent.XDEL, deleted);
        }
        c.reply.integer(deleted);
    }

    /** XLEN key */
    static void xlen(Client c) {
        StreamValue s = readable(c, c.argv[1]);
        if (s == null) {
            if (!c.failed()) {
                c.reply.raw(Replies.ZERO);
            }
            return;
        }
        c.reply.integer(s.length());
    }

    // ---------------------------------------------------------------- XRANGE / XREVRANGE

    static void xrange(Client c) {
        rangeGeneric(c, false);
    }

    static void xrevrange(Client c) {
        rangeGeneric(c, true);
    }

    /** xrangeGenericCommand: incomplete start IDs get sequence 0, end IDs the maximal one; {@code (} excludes. */
    private static void rangeGeneric(Client c, boolean rev) {
        byte[] startArg = rev ? c.argv[3] : c.argv[2];
        byte[] endArg = rev ? c.argv[2] : c.argv[3];
        boolean[] ex = new boolean[1];
        StreamID start = parseInterval(c, startArg, 0, ex);
        if (start == null) {
            return;
        }
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                c.error(INVALID_START);
                return;
            }
        }
        StreamID end = parseInterval(c, endArg, -1L, ex);
        if (end == null) {
            return;
        }
        if (ex[0]) {
            end = end.previous();
            if (end == null) {
                c.error(INVALID_END);
                return;
            }
        }
        long count = -1;
        for (int j = 4; j < c.argc; j++) {
            int additional = c.argc - j - 1;
            if (Args.is(c.argv[j], "count") && additional >= 1) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                count = Math.max(c.parsedLong, 0);
                j++;
            } else {
                c.syntaxError();
                return;
            }
        }
        StreamValue s = readable(c, c.argv[1]);
        if (s == null) {
            if (!c.failed()) {
                c.reply.raw(Replies.EMPTY_ARRAY);
            }
            return;
        }
        if (count == 0) {
            c.reply.nullArray();
        } else {
            replyWithRange(c, s, start, end, count == -1 ? 0 : count, rev, null, null, false, false, false, null);
        }
    }

    // ---------------------------------------------------------------- XREAD / XREADGROUP

    /** XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...] */
    static void xread(Client c) {
        readGeneric(c, false);
    }

    /** XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...] */
    static void xreadgroup(Client c) {
        readGeneric(c, true);
    }

    /** xreadCommand, both forms. */
    private static void readGeneric(Client c, boolean xreadgroup) {
        // the command propagates (as XCLAIM and the rest) through what it does, never as itself
        c.propagationHandled(true);
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        boolean noack = false;
        byte[] groupName = null;
        byte[] consumerName = null;
        for (int i = 1; i < c.argc; i++) {
            int moreArgs = c.argc - i - 1;
            byte[] o = c.argv[i];
            if (Args.is(o, "block") && moreArgs > 0) {
                if (c.isScript()) {
                    errorf(c, c.argv[0], " command is not allowed with BLOCK option from scripts");
                    return;
                }
                i++;
                if (!Args.longArg(c, i, Errors.TIMEOUT_NOT_INTEGER)) {
                    return;
                }
                if (c.parsedLong < 0) {
                    c.error(Errors.TIMEOUT_NEGATIVE);
                    return;
                }
                timeout = c.parsedLong;
            } else if (Args.is(o, "count") && moreArgs > 0) {
                i++;
                if (!Args.longArg(c, i)) {
                    return;
                }
                count = Math.max(c.parsedLong, 0);
            } else if (Args.is(o, "streams") && moreArgs > 0) {
                streamsArg = i + 1;
                streamsCount = c.argc - streamsArg;
                if (streamsCount % 2 != 0) {
                    c.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
                            + "specified.");
                    return;
                }
                streamsCount /= 2;
                break;
            } else if (Args.is(o, "group") && moreArgs >= 2) {
                if (!xreadgroup) {
                    c.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                groupName = c.argv[i + 1];
                consumerName = c.argv[i + 2];
                i += 2;
            } else if (Args.is(o, "noack")) {
                if (!xreadgroup) {
                    c.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                noack = true;
            } else {
                c.syntaxError();
                return;
            }
        }
        if (streamsArg == 0) {
            c.syntaxError();
            return;
        }
        if (xreadgroup && groupName == null) {
            c.error("ERR Missing GROUP option for XREADGROUP");
            return;
        }
        StreamID[] ids = new StreamID[streamsCount];
        StreamGroup[] groups = groupName != null ? new StreamGroup[streamsCount] : null;
        for (int i = streamsArg + streamsCount; i < c.argc; i++) {
            int idIdx = i - streamsArg - streamsCount;
            byte[] key = c.argv[i - streamsCount];
            StreamValue s = readable(c, key);
            if (c.failed()) {
                return;
            }
            if (groupName != null) {
                StreamGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    errorf(c, "-NOGROUP No such key '", key, "' or consumer group '", groupName,
                            "' in XREADGROUP with GROUP option");
                    return;
                }
                groups[idIdx] = g;
            }
            byte[] arg = c.argv[i];
            if (isCString(arg, "$")) {
                if (xreadgroup) {
                    c.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
                            + "of this consumer by specifying a proper ID, or use the > ID to get new messages. The "
                            + "$ ID would just return an empty result set.");
                    return;
                }
                ids[idIdx] = s != null ? s.lastId() : StreamID.MIN;
                continue;
            } else if (isCString(arg, ">")) {
                if (!xreadgroup) {
                    c.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                            + "<consumer> option.");
                    return;
                }
                ids[idIdx] = StreamID.MAX; // ">": resolved against the group's last ID when served
                continue;
            }
            if ((ids[idIdx] = parseId(c, arg, 0, true)) == null) {
                return;
            }
        }

        // try to serve the client synchronously
        long served = 0;
        ByteBuf saved = null;
        try {
            for (int i = 0; i < streamsCount; i++) {
                byte[] key = c.argv[streamsArg + i];
                StreamValue s = readable(c, key);
                if (s == null) {
                    continue;
                }
                StreamID gt = ids[i];
                boolean serveSynchronously = false;
                boolean serveHistory = false;
                if (groups != null) {
                    if (!gt.isMax()) {
                        serveSynchronously = true;
                        serveHistory = true;
                    } else if (s.length() != 0) {
                        StreamID maxId = s.lastValidId();
                        StreamID last = groups[i].lastId;
                        if (maxId.compareTo(last) > 0) {
                            serveSynchronously = true;
                            gt = last;
                        }
                    }
                } else if (s.length() != 0) {
                    StreamID maxId = s.lastValidId();
                    if (maxId.compareTo(gt) > 0) {
                        serveSynchronously = true;
                    }
                }
                if (!serveSynchronously) {
                    continue;
                }
                served++;
                if (served == 1) {
                    saved = beginDeferred(c);
                }
                StreamID start = gt.next();
                if (start == null) {
                    start = StreamID.MIN; // streamIncrID wraps the last ID to 0-0
                }
                if (!c.resp3()) {
                    c.reply.array(2);
                }
                c.reply.bulk(key);
                StreamConsumer consumer = null;
                PropInfo prop = new PropInfo(key, groupName);
                if (groups != null) {
                    consumer = groups[i].lookupConsumer(consumerName, true, now(c));
                    if (consumer == null) {
                        consumer = createConsumer(c, c.db, key, groups[i], consumerName);
                        if (noack) {
                            propagateConsumerCreation(c, key, groupName, consumer.name);
                        }
                    }
                }
                replyWithRange(c, s, start, null, count, false, groups != null ? groups[i] : null, consumer,
                        noack, serveHistory, false, prop);
                if (groups != null) {
                    c.engine.keyspace().dirty++;
                }
            }
        } catch (RuntimeException | Error e) {
            if (saved != null) {
                abandonDeferred(c, saved);
            }
            throw e;
        }
        if (served != 0) {
            endDeferred(c, saved, served, c.resp3());
            return;
        }
        if (timeout != -1) {
            long deadline = 0;
            if (timeout > 0) {
                long now = now(c);
                deadline = timeout > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeout;
            }
            byte[][] keys = java.util.Arrays.copyOfRange(c.argv, streamsArg, streamsArg + streamsCount);
            c.engine.blocked().block(c, c.db, keys, deadline, new ReadWaiter(keys, ids,
                    count != 0 ? count : BLOCKED_DEFAULT_COUNT, groupName, consumerName, noack));
            return;
        }
        c.reply.nullArray();
    }

    /** Redis's {@code strcmp(arg, s) == 0} on the argument as a C string. */
    private static boolean isCString(byte[] arg, String s) {
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        if (n != s.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (arg[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A client blocked in XREAD or XREADGROUP (serveClientsBlockedOnStreamKey): served when one of its streams
     * has entries past its ID (for a group, past the group's last delivered ID); an XREADGROUP whose stream or
     * group goes away is unblocked with Redis's error.
     */
    private static final class ReadWaiter implements BlockedClients.Waiter {
        private final byte[][] keys;
        private final StreamID[] ids;
        private final long count;
        private final byte[] groupName;
        private final byte[] consumerName;
        private final boolean noack;

        ReadWaiter(byte[][] keys, StreamID[] ids, long count, byte[] groupName, byte[] consumerName, boolean noack) {
            this.keys = keys;
            this.ids = ids;
            this.count = count;
            this.groupName = groupName;
            this.consumerName = consumerName;
            this.noack = noack;
        }

        @Override
        public boolean serve(Client c, Database db, byte[] key) {
            Dict.Entry e = db.lookup(key, Database.NOSTATS | Database.NOTOUCH);
            if (e == null || !(e.value instanceof StreamValue s)) {
                if (groupName != null) {
                    c.error("UNBLOCKED the stream key no longer exists");
                    return true;
                }
                return false;
            }
            int index = 0;
            while (!java.util.Arrays.equals(keys[index], key)) {
                index++; // the first occurrence of a repeated key sets its ID, as blockForKeys
            }
            StreamID gt = ids[index];
            StreamGroup group = null;
            if (groupName != null) {
                group = s.group(groupName);
                if (group == null) {
                    c.error("NOGROUP the consumer group this client was blocked on no longer exists");
                    return true;
                }
                gt = group.lastId;
            }
            if (StreamID.compare(s.lastMs(), s.lastSeq(), gt.ms, gt.seq) <= 0) {
                return false;
            }
            StreamID start = gt.next();
            if (start == null) {
                start = StreamID.MIN;
            }
            Keyspace keyspace = c.engine.keyspace();
            Propagator outer = keyspace.propagator();
            EffectsBatch batch = null;
            if (outer.active()) {
                batch = new EffectsBatch(); // what serving one client propagates is one unit, as afterCommand
                keyspace.propagator(batch);
            }
            Database savedDb = c.db;
            c.db = db;
            try {
                StreamConsumer consumer = null;
                if (group != null) {
                    consumer = group.lookupConsumer(consumerName, true, now(c));
                    if (consumer == null) {
                        consumer = createConsumer(c, db, key, group, consumerName);
                        if (noack) {
                            propagateConsumerCreation(c, key, groupName, consumer.name);
                        }
                    }
                }
                if (c.resp3()) {
                    c.reply.map(1);
                } else {
                    c.reply.array(1);
                    c.reply.array(2);
                }
                c.reply.bulk(key);
                replyWithRange(c, s, start, null, count, false, group, consumer, noack, false, false,
                        new PropInfo(key, groupName));
            } finally {
                c.db = savedDb;
                c.propagationHandled(false);
                if (batch != null) {
                    keyspace.propagator(outer);
                    batch.replayInto(outer);
                }
            }
            return true;
        }

        @Override
        public void timedOut(Client c) {
            c.reply.nullArray();
        }
    }

    // ---------------------------------------------------------------- XGROUP

    static void xgroupCreate(Client c) {
        xgroup(c);
    }

    static void xgroupSetid(Client c) {
        xgroup(c);
    }

    static void xgroupDestroy(Client c) {
        xgroup(c);
    }

    static void xgroupCreateconsumer(Client c) {
        xgroup(c);
    }

    static void xgroupDelconsumer(Client c) {
        xgroup(c);
    }

    static void xgroupHelp(Client c) {
        Help.reply(c, "XGROUP",
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter.");
    }

    /** xgroupCommand: every subcommand but HELP, sharing Redis's option parsing and checks in its order. */
    private static void xgroup(Client c) {
        byte[] opt = c.argv[1];
        boolean create = Args.is(opt, "create");
        boolean setid = Args.is(opt, "setid");
        boolean mkstream = false;
        long entriesRead = StreamGroup.INVALID_ENTRIES_READ;
        StreamValue s = null;
        byte[] key = c.argv[2];
        byte[] groupName = c.argv[3];
        StreamGroup group = null;
        int i = 5;
        while (i < c.argc) {
            if (create && Args.is(c.argv[i], "mkstream")) {
                mkstream = true;
                i++;
            } else if ((create || setid) && Args.is(c.argv[i], "entriesread") && i + 1 < c.argc) {
                if (!Args.longArg(c, i + 1)) {
                    return;
                }
                entriesRead = c.parsedLong;
                if (entriesRead < 0 && entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
                    c.error("ERR value for ENTRIESREAD must be positive or -1");
                    return;
                }
                i += 2;
            } else {
                Help.unknownSubcommand(c, "XGROUP");
                return;
            }
        }
        Dict.Entry e = c.db.lookupWrite(key);
        if (e != null) {
            if (!(e.value instanceof StreamValue existing)) {
                c.wrongType();
                return;
            }
            s = existing;
        }
        if (!mkstream) {
            if (s == null) {
                c.error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
                        + "use the MKSTREAM option to create an empty stream automatically.");
                return;
            }
            group = s.group(groupName);
            if (group == null && (setid || Args.is(opt, "createconsumer") || Args.is(opt, "delconsumer"))) {
                errorf(c, "-NOGROUP No such consumer group '", groupName, "' for key name '", key, "'");
                return;
            }
        }
        if (create && c.argc >= 5 && c.argc <= 8) {
            StreamID id;
            if (isCString(c.argv[4], "$")) {
                id = s != null ? s.lastId() : StreamID.MIN;
            } else if ((id = parseId(c, c.argv[4], 0, true)) == null) {
                return;
            }
            if (s == null) {
                s = new StreamValue();
                c.db.add(key, s); // reported as "new", which WATCH also sees, as Redis's signalModifiedKey here
            }
            if (s.createGroup(groupName, id, entriesRead) != null) {
                c.reply.ok();
                c.db.modified(key, KeyEvent.XGROUP_CREATE);
            } else {
                c.error("BUSYGROUP Consumer Group name already exists");
            }
        } else if (setid && (c.argc == 5 || c.argc == 7)) {
            StreamID id;
            if (isCString(c.argv[4], "$")) {
                id = s.lastId();
            } else if ((id = parseId(c, c.argv[4], 0, false)) == null) {
                return;
            }
            group.lastId = id;
            group.entriesRead = entriesRead;
            c.reply.ok();
            c.db.modified(key, KeyEvent.XGROUP_SETID);
        } else if (Args.is(opt, "destroy") && c.argc == 4) {
            if (group != null) {
                s.destroyGroup(groupName);
                c.reply.raw(Replies.ONE);
                // also wakes the XREADGROUP clients blocked on it, which get -NOGROUP
                c.db.modified(key, KeyEvent.XGROUP_DESTROY);
            } else {
                c.reply.raw(Replies.ZERO);
            }
        } else if (Args.is(opt, "createconsumer") && c.argc == 5) {
            StreamConsumer created = createConsumer(c, c.db, key, group, c.argv[4]);
            c.reply.raw(created != null ? Replies.ONE : Replies.ZERO);
        } else if (Args.is(opt, "delconsumer") && c.argc == 5) {
            long pending = 0;
            StreamConsumer consumer = group.lookupConsumer(c.argv[4], false, now(c));
            if (consumer != null) {
                pending = consumer.pel.size();
                group.deleteConsumer(consumer);
                c.db.modified(key, KeyEvent.XGROUP_DELCONSUMER);
            }
            c.reply.integer(pending);
        } else {
            Help.unknownSubcommand(c, "XGROUP");
        }
    }

    // ---------------------------------------------------------------- XSETID / XACK

    /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
    static void xsetid(Client c) {
        StreamID id = parseId(c, c.argv[2], 0, true);
        if (id == null) {
            return;
        }
        long entriesAdded = -1;
        StreamID maxXdel = StreamID.MIN;
        int i = 3;
        while (i < c.argc) {
            int moreArgs = c.argc - 1 - i;
            byte[] opt = c.argv[i];
            if (Args.is(opt, "entriesadded") && moreArgs > 0) {
                if (!Args.longArg(c, i + 1)) {
                    return;
                }
                entriesAdded = c.parsedLong;
                if (entriesAdded < 0) {
                    c.error("ERR entries_added must be positive");
                    return;
                }
                i += 2;
            } else if (Args.is(opt, "maxdeletedid") && moreArgs > 0) {
                if ((maxXdel = parseId(c, c.argv[i + 1], 0, true)) == null) {
                    return;
                }
                if (id.compareTo(maxXdel) < 0) {
                    c.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
                i += 2;
            } else {
                c.syntaxError();
                return;
            }
        }
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (!(e.value instanceof StreamValue s)) {
            c.wrongType();
            return;
        }
        if (s.length() > 0) {
            StreamID maxId = s.lastValidId();
            if (id.compareTo(maxId) < 0) {
                c.error("ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && s.length() > entriesAdded) {
                c.error("ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        s.setLastId(id);
        if (entriesAdded != -1) {
            s.setEntriesAdded(entriesAdded);
        }
        if (!maxXdel.isZero()) {
            s.setMaxDeletedId(maxXdel);
        }
        c.reply.ok();
        c.db.modified(key, KeyEvent.XSETID);
    }

    /** XACK key group id [id ...]: all IDs are parsed before any is acknowledged. */
    static void xack(Client c) {
        StreamValue s = readable(c, c.argv[1]);
        if (c.failed()) {
            return;
        }
        StreamGroup group = s == null ? null : s.group(c.argv[2]);
        if (group == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        StreamID[] ids = new StreamID[c.argc - 3];
        for (int j = 3; j < c.argc; j++) {
            if ((ids[j - 3] = parseId(c, c.argv[j], 0, true)) == null) {
                return;
            }
        }
        long acknowledged = 0;
        for (StreamID id : ids) {
            StreamNack nack = group.pel.remove(id);
            if (nack != null) {
                nack.consumer.pel.removeNack(id.ms, id.seq, nack);
                acknowledged++;
            }
        }
        c.engine.keyspace().dirty += acknowledged; // no key event: Redis only counts the change
        c.reply.integer(acknowledged);
    }

    // ---------------------------------------------------------------- XPENDING

    /** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
    static void xpending(Client c) {
        boolean justInfo = c.argc == 3;
        byte[] key = c.argv[1];
        byte[] groupName = c.argv[2];
        byte[] consumerName = null;
        StreamID start = null;
        StreamID end = null;
        long count = 0;
        long minIdle = 0;
        if (c.argc != 3 && (c.argc < 6 || c.argc > 9)) {
            c.syntaxError();
            return;
        }
        if (c.argc >= 6) {
            int startIdx = 3;
            if (Args.is(c.argv[3], "idle")) {
                if (!Args.longArg(c, 4)) {
                    return;
                }
                minIdle = c.parsedLong;
                if (c.argc < 8) {
                    c.syntaxError();
                    return;
                }
                startIdx += 2;
            }
            if (!Args.longArg(c, startIdx + 2)) {
                return;
            }
            count = Math.max(c.parsedLong, 0);
            boolean[] ex = new boolean[1];
            if ((start = parseInterval(c, c.argv[startIdx], 0, ex)) == null) {
                return;
            }
            if (ex[0] && (start = start.next()) == null) {
                c.error(INVALID_START);
                return;
            }
            if ((end = parseInterval(c, c.argv[startIdx + 1], -1L, ex)) == null) {
                return;
            }
            if (ex[0] && (end = end.previous()) == null) {
                c.error(INVALID_END);
                return;
            }
            if (startIdx + 3 < c.argc) {
                consumerName = c.argv[startIdx + 3];
            }
        }
        StreamValue s = readable(c, key);
        if (c.failed()) {
            return;
        }
        StreamGroup group = s == null ? null : s.group(groupName);
        if (group == null) {
            errorf(c, "-NOGROUP No such key '", key, "' or consumer group '", groupName, "'");
            return;
        }
        if (justInfo) {
            c.reply.array(4);
            c.reply.integer(group.pel.size());
            if (group.pel.isEmpty()) {
                c.reply.nullBulk();
                c.reply.nullBulk();
                c.reply.nullArray();
                return;
            }
            replyId(c, group.pel.keyMs(group.pel.first()), group.pel.keySeq(group.pel.first()));
            replyId(c, group.pel.keyMs(group.pel.last()), group.pel.keySeq(group.pel.last()));
            int withPending = 0;
            for (StreamConsumer consumer : group.consumers.values()) {
                if (!consumer.pel.isEmpty()) {
                    withPending++;
                }
            }
            c.reply.array(withPending);
            for (StreamConsumer consumer : group.consumers.values()) {
                if (consumer.pel.isEmpty()) {
                    continue;
                }
                c.reply.array(2);
                c.reply.bulk(consumer.name);
                c.reply.bulkLong(consumer.pel.size());
            }
            return;
        }
        StreamConsumer consumer = null;
        if (consumerName != null) {
            consumer = group.lookupConsumer(consumerName, false, 0);
            if (consumer == null) {
                c.reply.raw(Replies.EMPTY_ARRAY);
                return;
            }
        }
        PelMap pel = consumer != null ? consumer.pel : group.pel;
        long now = now(c);
        ByteBuf saved = beginDeferred(c);
        long n = 0;
        try {
            for (long p = pel.ceiling(start); p >= 0; p = pel.next(p)) {
                long ms = pel.keyMs(p);
                long seq = pel.keySeq(p);
                if (count == 0 || StreamID.compare(ms, seq, end.ms, end.seq) > 0) {
                    break;
                }
                StreamNack nack = pel.value(p);
                if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
                    continue;
                }
                n++;
                count--;
                c.reply.array(4);
                replyId(c, ms, seq);
                c.reply.bulk(nack.consumer.name);
                c.reply.integer(Math.max(0, now - nack.deliveryTime));
                c.reply.integer(nack.deliveryCount);
            }
        } catch (RuntimeException | Error e) {
            abandonDeferred(c, saved);
            throw e;
        }
        endDeferred(c, saved, n, false);
    }

    // ---------------------------------------------------------------- XCLAIM / XAUTOCLAIM

    /**
     * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds]
     * [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
     */
    static void xclaim(Client c) {
        byte[] key = c.argv[1];
        byte[] groupName = c.argv[2];
        StreamValue s = readable(c, key);
        if (c.failed()) {
            return;
        }
        StreamGroup group = s == null ? null : s.group(groupName);
        if (group == null) {
            errorf(c, "-NOGROUP No such key '", key, "' or consumer group '", groupName, "'");
            return;
        }
        if (!Args.longArg(c, 4, XCLAIM_MIN_IDLE)) {
            return;
        }
        long minIdle = Math.max(c.parsedLong, 0);
        ArrayList<StreamID> ids = new ArrayList<>();
        int j;
        for (j = 5; j < c.argc; j++) {
            StreamID id = StreamID.parse(c.argv[j], 0, c.argv[j].length, 0, true, null);
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        int lastIdArg = j - 1;
        long now = now(c);
        long retryCount = -1;
        long deliveryTime = -1;
        boolean force = false;
        boolean justId = false;
        StreamID lastId = StreamID.MIN;
        for (; j < c.argc; j++) {
            int moreArgs = c.argc - 1 - j;
            byte[] opt = c.argv[j];
            if (Args.is(opt, "force")) {
                force = true;
            } else if (Args.is(opt, "justid")) {
                justId = true;
            } else if (Args.is(opt, "idle") && moreArgs > 0) {
                j++;
                if (!Args.longArg(c, j, XCLAIM_IDLE)) {
                    return;
                }
                deliveryTime = now - c.parsedLong;
            } else if (Args.is(opt, "time") && moreArgs > 0) {
                j++;
                if (!Args.longArg(c, j, XCLAIM_TIME)) {
                    return;
                }
                deliveryTime = c.parsedLong;
            } else if (Args.is(opt, "retrycount") && moreArgs > 0) {
                j++;
                if (!Args.longArg(c, j, XCLAIM_RETRYCOUNT)) {
                    return;
                }
                retryCount = c.parsedLong;
            } else if (Args.is(opt, "lastid") && moreArgs > 0) {
                j++;
                if ((lastId = parseId(c, c.argv[j], 0, true)) == null) {
                    return;
                }
            } else {
                errorf(c, "Unrecognized XCLAIM option '", opt, "'");
                return;
            }
        }
        c.propagationHandled(true); // propagated as the XCLAIMs and XGROUP SETID below
        boolean propagateLastId = false;
        if (lastId.compareTo(group.lastId) > 0) {
            group.lastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > now) {
                deliveryTime = now; // a bogus time is taken as now rather than refused
            }
        } else {
            deliveryTime = now;
        }
        StreamConsumer consumer = null;
        byte[] name = c.argv[3];
        Keyspace keyspace = c.engine.keyspace();
        ByteBuf saved = beginDeferred(c);
        long n = 0;
        try {
            for (int k = 5; k <= lastIdArg; k++) {
                StreamID id = ids.get(k - 5);
                StreamNack nack = group.pel.get(id);
                if (!s.entryExists(id)) {
                    if (nack != null) {
                        // the entry is gone: its PEL entry goes too, and that propagates
                        propagateXclaim(c, key, group, groupName, c.argv[k], nack);
                        propagateLastId = false;
                        keyspace.dirty++;
                        group.pel.remove(id);
                        nack.consumer.pel.removeNack(id.ms, id.seq, nack);
                    }
                    continue;
                }
                if (force && nack == null) {
                    nack = new StreamNack(null, now);
                    group.pel.put(id, nack);
                }
                if (nack != null) {
                    if (nack.consumer != null && minIdle != 0 && now - nack.deliveryTime < minIdle) {
                        continue;
                    }
                    if (consumer == null && (consumer = group.lookupConsumer(name, true, now)) == null) {
                        consumer = createConsumer(c, c.db, key, group, name);
                    }
                    if (nack.consumer != consumer && nack.consumer != null) {
                        nack.consumer.pel.removeNack(id.ms, id.seq, nack);
                    }
                    nack.deliveryTime = deliveryTime;
                    if (retryCount >= 0) {
                        nack.deliveryCount = retryCount;
                    } else if (!justId) {
                        nack.deliveryCount++;
                    }
                    if (nack.consumer != consumer) {
                        consumer.pel.put(id, nack);
                        nack.consumer = consumer;
                    }
                    if (justId) {
                        replyId(c, id);
                    } else {
                        StreamValue.Iterator it = new StreamValue.Iterator(s, id, id, false);
                        it.next();
                        replyEntry(c, it);
                    }
                    n++;
                    propagateXclaim(c, key, group, groupName, c.argv[k], nack);
                    propagateLastId = false;
                    keyspace.dirty++;
                }
            }
            if (propagateLastId) {
                propagateGroupId(c, key, group, groupName);
                keyspace.dirty++;
            }
        } catch (RuntimeException | Error e) {
            abandonDeferred(c, saved);
            throw e;
        }
        endDeferred(c, saved, n, false);
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
    static void xautoclaim(Client c) {
        byte[] key = c.argv[1];
        byte[] groupName = c.argv[2];
        if (!Args.longArg(c, 4, XAUTOCLAIM_MIN_IDLE)) {
            return;
        }
        long minIdle = Math.max(c.parsedLong, 0);
        boolean[] ex = new boolean[1];
        StreamID start = parseInterval(c, c.argv[5], 0, ex);
        if (start == null) {
            return;
        }
        if (ex[0] && (start = start.next()) == null) {
            c.error(INVALID_START);
            return;
        }
        long count = 100;
        boolean justId = false;
        final long attemptsFactor = 10;
        for (int j = 6; j < c.argc; j++) {
            int moreArgs = c.argc - 1 - j;
            byte[] opt = c.argv[j];
            if (Args.is(opt, "count") && moreArgs > 0) {
                long maxCount = Long.MAX_VALUE / Math.max(16, attemptsFactor);
                if (!Args.longArg(c, j + 1, 1, maxCount, XAUTOCLAIM_COUNT)) {
                    return;
                }
                count = c.parsedLong;
                j++;
            } else if (Args.is(opt, "justid")) {
                justId = true;
            } else {
                c.syntaxError();
                return;
            }
        }
        StreamValue s = readable(c, key);
        if (c.failed()) {
            return;
        }
        StreamGroup group = s == null ? null : s.group(groupName);
        if (group == null) {
            errorf(c, "-NOGROUP No such key '", key, "' or consumer group '", groupName, "'");
            return;
        }
        if (count > Runtime.getRuntime().maxMemory() / 16) {
            // Redis allocates count IDs for the deleted ones up front (ztrymalloc) and fails past what it can get
            c.error("ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
            return;
        }
        c.propagationHandled(true);
        long attempts = count * attemptsFactor;
        byte[] name = c.argv[3];
        long now = now(c);
        Keyspace keyspace = c.engine.keyspace();
        StreamConsumer consumer = null;
        ArrayList<StreamID> deletedIds = new ArrayList<>();
        ByteBuf saved = beginDeferred(c);
        long n = 0;
        long first = group.pel.ceiling(start);
        StreamID next = first < 0 ? null : group.pel.key(first);
        try {
            while (attempts-- != 0 && count != 0 && next != null) {
                StreamID id = next;
                StreamNack nack = group.pel.get(id);
                long after = group.pel.higher(id.ms, id.seq);
                next = after < 0 ? null : group.pel.key(after);
                if (!s.entryExists(id)) {
                    if (c.propagating()) {
                    propagateXclaim(c, key, group, groupName, idBytes(id), nack);
                }
                    keyspace.dirty++;
                    group.pel.remove(id);
                    nack.consumer.pel.removeNack(id.ms, id.seq, nack);
                    deletedIds.add(id);
                    count--;
                    continue;
                }
                if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
                    continue;
                }
                if (consumer == null && (consumer = group.lookupConsumer(name, true, now)) == null) {
                    consumer = createConsumer(c, c.db, key, group, name);
                }
                if (nack.consumer != consumer && nack.consumer != null) {
                    nack.consumer.pel.removeNack(id.ms, id.seq, nack);
                }
                nack.deliveryTime = now;
                if (!justId) {
                    nack.deliveryCount++;
                }
                if (nack.consumer != consumer) {
                    consumer.pel.put(id, nack);
                    nack.consumer = consumer;
                }
                if (justId) {
                    replyId(c, id);
                } else {
                    StreamValue.Iterator it = new StreamValue.Iterator(s, id, id, false);
                    it.next();
                    replyEntry(c, it);
                }
                n++;
                count--;
                if (c.propagating()) {
                    propagateXclaim(c, key, group, groupName, idBytes(id), nack);
                }
                keyspace.dirty++;
            }
        } catch (RuntimeException | Error e) {
            abandonDeferred(c, saved);
            throw e;
        }
        ByteBuf body = c.reply.buffer();
        c.reply.buffer(saved);
        c.reply.array(3);
        replyId(c, next == null ? StreamID.MIN : next);
        c.reply.array((int) n);
        saved.writeBytes(body);
        body.release();
        c.reply.array(deletedIds.size());
        for (StreamID id : deletedIds) {
            replyId(c, id);
        }
    }

    // ---------------------------------------------------------------- XINFO

    static void xinfoHelp(Client c) {
        Help.reply(c, "XINFO",
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream.");
    }

    /** The stream XINFO's subcommands ask about; null after replying "no such key" or WRONGTYPE. */
    private static StreamValue infoTarget(Client c) {
        StreamValue s = readable(c, c.argv[2]);
        if (s == null && !c.failed()) {
            c.error(Errors.NO_SUCH_KEY);
        }
        return s;
    }

    /** XINFO CONSUMERS key group */
    static void xinfoConsumers(Client c) {
        StreamValue s = infoTarget(c);
        if (s == null) {
            return;
        }
        StreamGroup group = s.group(c.argv[3]);
        if (group == null) {
            errorf(c, "-NOGROUP No such consumer group '", c.argv[3], "' for key name '", c.argv[2], "'");
            return;
        }
        long now = now(c);
        c.reply.array(group.consumers.size());
        for (StreamConsumer consumer : group.consumers.values()) {
            c.reply.map(3);
            c.reply.bulk("name");
            c.reply.bulk(consumer.name);
            c.reply.bulk("pending");
            c.reply.integer(consumer.pel.size());
            c.reply.bulk("idle");
            c.reply.integer(Math.max(0, now - consumer.seenTime));
        }
    }

    /** XINFO GROUPS key */
    static void xinfoGroups(Client c) {
        StreamValue s = infoTarget(c);
        if (s == null) {
            return;
        }
        if (s.groups() == null) {
            c.reply.raw(Replies.EMPTY_ARRAY);
            return;
        }
        c.reply.array(s.groups().size());
        for (Map.Entry<byte[], StreamGroup> e : s.groups().entrySet()) {
            StreamGroup g = e.getValue();
            c.reply.map(6);
            c.reply.bulk("name");
            c.reply.bulk(e.getKey());
            c.reply.bulk("consumers");
            c.reply.integer(g.consumers.size());
            c.reply.bulk("pending");
            c.reply.integer(g.pel.size());
            c.reply.bulk("last-delivered-id");
            replyId(c, g.lastId);
            c.reply.bulk("entries-read");
            replyEntriesRead(c, g);
            c.reply.bulk("lag");
            replyLag(c, s, g);
        }
    }

    private static void replyEntriesRead(Client c, StreamGroup g) {
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
            c.reply.integer(g.entriesRead);
        } else {
            c.reply.nullBulk();
        }
    }

    private static void replyLag(Client c, StreamValue s, StreamGroup g) {
        Long lag = s.lag(g);
        if (lag != null) {
            c.reply.integer(lag);
        } else {
            c.reply.nullBulk();
        }
    }

    /** XINFO STREAM key [FULL [COUNT count]] */
    static void xinfoStream(Client c) {
        StreamValue s = infoTarget(c);
        if (s == null) {
            return;
        }
        boolean full = true;
        long count = 10;
        int optc = c.argc - 3;
        if (optc == 0) {
            full = false;
        } else {
            if (optc != 1 && optc != 3) {
                Help.unknownSubcommand(c, "XINFO");
                return;
            }
            if (!Args.is(c.argv[3], "full")) {
                Help.unknownSubcommand(c, "XINFO");
                return;
            }
            if (optc == 3) {
                if (!Args.is(c.argv[4], "count")) {
                    Help.unknownSubcommand(c, "XINFO");
                    return;
                }
                if (!Args.longArg(c, 5)) {
                    return;
                }
                count = c.parsedLong < 0 ? 10 : c.parsedLong;
            }
        }
        c.reply.map(full ? 9 : 10);
        c.reply.bulk("length");
        c.reply.integer(s.length());
        c.reply.bulk("radix-tree-keys");
        c.reply.integer(s.nodeCount());
        c.reply.bulk("radix-tree-nodes");
        c.reply.integer(s.radixTreeNodes());
        c.reply.bulk("last-generated-id");
        replyId(c, s.lastMs(), s.lastSeq());
        c.reply.bulk("max-deleted-entry-id");
        replyId(c, s.maxDeletedId());
        c.reply.bulk("entries-added");
        c.reply.integer(s.entriesAdded());
        c.reply.bulk("recorded-first-entry-id");
        replyId(c, s.firstId());
        if (!full) {
            c.reply.bulk("groups");
            c.reply.integer(s.groupCount());
            c.reply.bulk("first-entry");
            if (replyWithRange(c, s, StreamID.MIN, StreamID.MAX, 1, false, null, null, false, false, true,
                    null) == 0) {
                c.reply.nullBulk();
            }
            c.reply.bulk("last-entry");
            if (replyWithRange(c, s, StreamID.MIN, StreamID.MAX, 1, true, null, null, false, false, true,
                    null) == 0) {
                c.reply.nullBulk();
            }
            return;
        }
        c.reply.bulk("entries");
        replyWithRange(c, s, null, null, count, false, null, null, false, false, false, null);
        c.reply.bulk("groups");
        if (s.groups() == null) {
            c.reply.raw(Replies.EMPTY_ARRAY);
            return;
        }
        c.reply.array(s.groups().size());
        for (Map.Entry<byte[], StreamGroup> e : s.groups().entrySet()) {
            StreamGroup g = e.getValue();
            c.reply.map(7);
            c.reply.bulk("name");
            c.reply.bulk(e.getKey());
            c.reply.bulk("last-delivered-id");
            replyId(c, g.lastId);
            c.reply.bulk("entries-read");
            replyEntriesRead(c, g);
            c.reply.bulk("lag");
            replyLag(c, s, g);
            c.reply.bulk("pel-count");
            c.reply.integer(g.pel.size());
            c.reply.bulk("pending");
            c.reply.array((int) (count == 0 ? g.pel.size() : Math.min(count, g.pel.size())));
            long emitted = 0;
            for (long p = g.pel.first(); p >= 0; p = g.pel.next(p)) {
                if (count != 0 && emitted >= count) {
                    break;
                }
                StreamNack nack = g.pel.value(p);
                c.reply.array(4);
                replyId(c, g.pel.keyMs(p), g.pel.keySeq(p));
                c.reply.bulk(nack.consumer.name);
                c.reply.integer(nack.deliveryTime);
                c.reply.integer(nack.deliveryCount);
                emitted++;
            }
            c.reply.bulk("consumers");
            c.reply.array(g.consumers.size());
            for (StreamConsumer consumer : g.consumers.values()) {
                c.reply.map(4);
                c.reply.bulk("name");
                c.reply.bulk(consumer.name);
                c.reply.bulk("seen-time");
                c.reply.integer(consumer.seenTime);
                c.reply.bulk("pel-count");
                c.reply.integer(consumer.pel.size());
                c.reply.bulk("pending");
                c.reply.array((int) (count == 0 ? consumer.pel.size() : Math.min(count, consumer.pel.size())));
                long cEmitted = 0;
                PelMap cpel = consumer.pel;
                for (long p = cpel.first(); p >= 0; p = cpel.next(p)) {
                    if (count != 0 && cEmitted >= count) {
                        break;
                    }
                    c.reply.array(3);
                    replyId(c, cpel.keyMs(p), cpel.keySeq(p));
                    c.reply.integer(cpel.value(p).deliveryTime);
                    c.reply.integer(cpel.value(p).deliveryCount);
                    cEmitted++;
                }
            }
        }
    }
}
