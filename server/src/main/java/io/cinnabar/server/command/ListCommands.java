package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.bytes.LongDouble;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.BlockedClients;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.ListValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** List commands, as t_list.c in Redis 7.0, with the blocking ones parked in {@link BlockedClients}. */
final class ListCommands {
    private static final ErrorReply NOT_POSITIVE = Errors.of("ERR value is out of range, must be positive");
    private static final ErrorReply COUNT_NEGATIVE = Errors.of("ERR COUNT can't be negative");
    private static final ErrorReply MAXLEN_NEGATIVE = Errors.of("ERR MAXLEN can't be negative");
    private static final byte[] LPOP = "LPOP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RPOP = "RPOP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LMOVE = "LMOVE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RPOPLPUSH = "RPOPLPUSH".getBytes(StandardCharsets.US_ASCII);
    /** shared.left and shared.right, lower case as Redis propagates a served BLMOVE's sides. */
    private static final byte[] LEFT = "left".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RIGHT = "right".getBytes(StandardCharsets.US_ASCII);

    private ListCommands() {
    }

    /** The list at {@code key} (null if absent), after replying WRONGTYPE when it is something else. */
    private static ListValue list(Client c, Database db, byte[] key, boolean[] wrongType) {
        Dict.Entry e = db.lookupWrite(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof ListValue l)) {
            wrongType[0] = true;
            return null;
        }
        return l;
    }

    private static ListValue read(Client c, byte[] key, boolean[] wrongType) {
        Dict.Entry e = c.db.lookupRead(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof ListValue l)) {
            wrongType[0] = true;
            c.wrongType();
            return null;
        }
        return l;
    }

    // ---- push ----

    static void lpush(Client c) {
        push(c, true, false);
    }

    static void rpush(Client c) {
        push(c, false, false);
    }

    static void lpushx(Client c) {
        push(c, true, true);
    }

    static void rpushx(Client c) {
        push(c, false, true);
    }

    private static void push(Client c, boolean head, boolean onlyExisting) {
        byte[] key = c.argv[1];
        boolean[] wrong = new boolean[1];
        ListValue l = list(c, c.db, key, wrong);
        if (wrong[0]) {
            c.wrongType();
            return;
        }
        if (l == null) {
            if (onlyExisting) {
                c.reply.raw(Replies.ZERO);
                return;
            }
            l = newList(c);
            c.db.add(key, l);
        }
        for (int i = 2; i < c.argc; i++) {
            if (head) {
                l.pushHead(c.argv[i]);
            } else {
                l.pushTail(c.argv[i]);
            }
        }
        c.reply.integer(l.size());
        c.db.modified(key, head ? KeyEvent.LPUSH : KeyEvent.RPUSH, c.argc - 2);
    }

    // ---- pop ----

    static void lpop(Client c) {
        pop(c, true);
    }

    static void rpop(Client c) {
        pop(c, false);
    }

    private static void pop(Client c, boolean head) {
        if (c.argc > 3) {
            c.error("ERR wrong number of arguments for '" + c.cmd.fullName + "' command");
            return;
        }
        long count = -1;
        if (c.argc == 3) {
            if (!Args.longArg(c, 2, 0, Long.MAX_VALUE, NOT_POSITIVE)) {
                return;
            }
            count = c.parsedLong;
        }
        byte[] key = c.argv[1];
        boolean[] wrong = new boolean[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            if (count >= 0) {
                c.reply.nullArray();
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        if (!(e.value instanceof ListValue l)) {
            c.wrongType();
            return;
        }
        if (count == 0) {
            c.reply.array(0);
            return;
        }
        long n = 1;
        if (count < 0) {
            c.reply.bulk(l.pop(head));
        } else {
            n = Math.min(count, l.size());
            c.reply.array((int) n);
            for (long i = 0; i < n; i++) {
                c.reply.bulk(l.pop(head));
            }
        }
        c.db.modified(key, head ? KeyEvent.LPOP : KeyEvent.RPOP, n); // one event, n changes (server.dirty)
        deleteIfEmpty(c.db, e);
    }

    private static void deleteIfEmpty(Database db, Dict.Entry e) {
        if (((ListValue) e.value).size() == 0) {
            db.deleteEmptied(e);
        }
    }

    // ---- reads ----

    static void llen(Client c) {
        boolean[] wrong = new boolean[1];
        ListValue l = read(c, c.argv[1], wrong);
        if (!wrong[0]) {
            c.reply.integer(l == null ? 0 : l.size());
        }
    }

    static void lindex(Client c) {
        // as lindexCommand: the key first, then the index
        boolean[] wrong = new boolean[1];
        ListValue l = read(c, c.argv[1], wrong);
        if (wrong[0]) {
            return;
        }
        if (l == null) {
            c.reply.nullBulk();
            return;
        }
        if (!Args.longArg(c, 2)) {
            return;
        }
        byte[] element = l.get(c.parsedLong);
        if (element == null) {
            c.reply.nullBulk();
        } else {
            c.reply.bulk(element);
        }
    }

    static void lrange(Client c) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        long start = c.parsedLong;
        if (!Args.longArg(c, 3)) {
            return;
        }
        long end = c.parsedLong;
        boolean[] wrong = new boolean[1];
        ListValue l = read(c, c.argv[1], wrong);
        if (wrong[0]) {
            return;
        }
        if (l == null) {
            c.reply.array(0);
            return;
        }
        long size = l.size();
        if (start < 0) {
            start = Math.max(0, size + start);
        }
        if (end < 0) {
            end = size + end;
        }
        if (end >= size) {
            end = size - 1;
        }
        if (start > end || start >= size) {
            c.reply.array(0);
            return;
        }
        c.reply.array((int) (end - start + 1));
        l.writeRange(start, end, c.reply);
    }

    static void lpos(Client c) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < c.argc; j++) {
            boolean more = j + 1 < c.argc;
            if (Args.is(c.argv[j], "rank") && more) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                rank = c.parsedLong;
                if (rank == 0) {
                    c.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or "
                            + "use negative to start from the end of the list");
                    return;
                }
                j++;
            } else if (Args.is(c.argv[j], "count") && more) {
                // getPositiveLongFromObjectOrReply: its message for anything but a non-negative integer
                if (!Args.longArg(c, j + 1, 0, Long.MAX_VALUE, COUNT_NEGATIVE)) {
                    return;
                }
                count = c.parsedLong;
                j++;
            } else if (Args.is(c.argv[j], "maxlen") && more) {
                if (!Args.longArg(c, j + 1, 0, Long.MAX_VALUE, MAXLEN_NEGATIVE)) {
                    return;
                }
                maxlen = c.parsedLong;
                j++;
            } else {
                c.syntaxError();
                return;
            }
        }
        boolean[] wrong = new boolean[1];
        ListValue l = read(c, c.argv[1], wrong);
        if (wrong[0]) {
            return;
        }
        if (l == null) {
            if (count >= 0) {
                c.reply.array(0);
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        byte[] element = c.argv[2];
        final long limit = maxlen;
        final long direction = rank;
        List<Long> found = new ArrayList<>();
        long wanted = count < 0 ? 1 : (count == 0 ? Long.MAX_VALUE : count);
        long size = l.size();
        // Redis negates a negative rank, and LONG_MIN stays negative: every match then counts, as rank -1 would
        long[] skip = {rank == Long.MIN_VALUE ? 0 : Math.abs(rank) - 1};
        long[] index = {rank > 0 ? 0 : size - 1};
        long[] seen = {0};
        ListValue.ElementVisitor visit = e -> {
            if (limit != 0 && seen[0]++ >= limit) {
                return false;
            }
            if (java.util.Arrays.equals(e, element)) {
                if (skip[0] > 0) {
                    skip[0]--;
                } else {
                    found.add(index[0]);
                    if (found.size() >= wanted) {
                        return false;
                    }
                }
            }
            index[0] += direction > 0 ? 1 : -1;
            return true;
        };
        if (rank > 0) {
            l.range(0, size - 1, visit);
        } else {
            l.reverse(visit);
        }
        if (count < 0) {
            if (found.isEmpty()) {
                c.reply.nullBulk();
            } else {
                c.reply.integer(found.get(0));
            }
            return;
        }
        c.reply.array(found.size());
        for (long i : found) {
            c.reply.integer(i);
        }
    }

    // ---- changes in place ----

    static void lset(Client c) {
        // as lsetCommand: the key first, then the index
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (!(e.value instanceof ListValue l)) {
            c.wrongType();
            return;
        }
        if (!Args.longArg(c, 2)) {
            return;
        }
        long index = c.parsedLong;
        if (!l.set(index, c.argv[3])) {
            c.error("ERR index out of range");
            return;
        }
        c.reply.ok();
        c.db.modified(key, KeyEvent.LSET);
    }

    static void linsert(Client c) {
        boolean after;
        if (Args.is(c.argv[2], "after")) {
            after = true;
        } else if (Args.is(c.argv[2], "before")) {
            after = false;
        } else {
            c.syntaxError();
            return;
        }
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(e.value instanceof ListValue l)) {
            c.wrongType();
            return;
        }
        if (!l.insert(c.argv[3], c.argv[4], after)) {
            c.reply.integer(-1);
            return;
        }
        c.db.modified(key, KeyEvent.LINSERT);
        c.reply.integer(l.size()); // after the event, as linsertCommand
    }

    static void lrem(Client c) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        long count = c.parsedLong;
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(e.value instanceof ListValue l)) {
            c.wrongType();
            return;
        }
        long removed = l.remove(c.argv[3], count);
        if (removed > 0) {
            c.db.modified(key, KeyEvent.LREM, removed);
            deleteIfEmpty(c.db, e);
        }
        c.reply.integer(removed); // after the events, as lremCommand (a RESP3 self-subscriber sees the order)
    }

    static void ltrim(Client c) {
        if (!Args.longArg(c, 2)) {
            return;
        }
        long start = c.parsedLong;
        if (!Args.longArg(c, 3)) {
            return;
        }
        long end = c.parsedLong;
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.ok();
            return;
        }
        if (!(e.value instanceof ListValue l)) {
            c.wrongType();
            return;
        }
        long size = l.size();
        if (start < 0) {
            start = Math.max(0, size + start);
        }
        if (end < 0) {
            end = size + end;
        }
        if (start > end || start >= size) {
            l.trim(1, 0);
        } else {
            l.trim(start, Math.min(end, size - 1));
        }
        c.db.modified(key, KeyEvent.LTRIM);
        deleteIfEmpty(c.db, e);
        c.reply.ok(); // after the events, as ltrimCommand
    }

    // ---- moves ----

    /** LEFT or RIGHT: 1 for the head, 0 for the tail, -1 (after a syntax error reply) for anything else. */
    private static int side(Client c, byte[] arg) {
        if (Args.is(arg, "left")) {
            return 1;
        }
        if (Args.is(arg, "right")) {
            return 0;
        }
        c.syntaxError();
        return -1;
    }

    static void lmove(Client c) {
        int from = side(c, c.argv[3]);
        if (from < 0) {
            return;
        }
        int to = side(c, c.argv[4]);
        if (to < 0) {
            return;
        }
        // propagated as received, the sides as the client spelled them (as Redis)
        move(c, c.db, c.argv[1], c.argv[2], from == 1, to == 1);
    }

    static void rpoplpush(Client c) {
        move(c, c.db, c.argv[1], c.argv[2], false, true);
    }

    private static final int MOVED = 1;
    private static final int NOTHING = 0;
    private static final int FAILED = -1;

    /**
     * lmoveGenericCommand over {@code db}: pops from source and pushes onto destination. Returns {@link #MOVED},
     * {@link #NOTHING} when the source does not exist (replied a null), or {@link #FAILED} after WRONGTYPE.
     */
    private static int move(Client c, Database db, byte[] source, byte[] destination, boolean fromHead,
                            boolean toHead) {
        Dict.Entry e = db.lookupWrite(source);
        if (e == null) {
            c.reply.nullBulk();
            return NOTHING;
        }
        if (!(e.value instanceof ListValue l)) {
            c.wrongType();
            return FAILED;
        }
        Dict.Entry d = db.lookupWrite(destination);
        if (d != null && !(d.value instanceof ListValue)) {
            c.wrongType();
            return FAILED;
        }
        byte[] element = l.pop(fromHead);
        ListValue target;
        if (d == null) {
            target = newList(c);
            db.add(destination, target);
        } else {
            target = (ListValue) d.value; // the source itself when both name the same key
        }
        if (toHead) {
            target.pushHead(element);
        } else {
            target.pushTail(element);
        }
        // as lmoveGenericCommand: the push's event, the reply, the pop's event, then "del"; one change in all
        db.modified(destination, toHead ? KeyEvent.LPUSH : KeyEvent.RPUSH, 0);
        c.reply.bulk(element);
        db.modified(source, fromHead ? KeyEvent.LPOP : KeyEvent.RPOP);
        if (l.size() == 0 && l != target) {
            db.deleteEmptied(e);
        }
        return MOVED;
    }

    // ---- LMPOP ----

    static void lmpop(Client c) {
        mpop(c, 1, false);
    }

    static void blmpop(Client c) {
        mpop(c, 2, true);
    }

    /**
     * lmpopGenericCommand: numkeys, the keys, LEFT|RIGHT, an optional COUNT; BLMPOP's timeout (argv[1]) is read
     * only after all that, as blockingPopGenericCommand does. Pops up to count elements of the first non-empty list
     * as {key, [elements]}; a null array when there is none (and BLMPOP may not wait).
     */
    private static void mpop(Client c, int numKeysIdx, boolean blocking) {
        int whereIdx = MpopArgs.sideIndex(c, numKeysIdx);
        if (whereIdx < 0) {
            return;
        }
        int where = side(c, c.argv[whereIdx]);
        if (where < 0) {
            return;
        }
        boolean head = where == 1;
        long count = MpopArgs.count(c, whereIdx);
        if (count < 0) {
            return;
        }
        long deadline = 0;
        if (blocking) {
            deadline = deadline(c, c.argv[1]);
            if (deadline < 0) {
                return;
            }
        }
        byte[][] keys = java.util.Arrays.copyOfRange(c.argv, numKeysIdx + 1, whereIdx);
        for (byte[] key : keys) {
            Dict.Entry e = c.db.lookupWrite(key);
            if (e == null) {
                continue;
            }
            if (!(e.value instanceof ListValue l)) {
                c.wrongType();
                return;
            }
            serveRange(c, c.db, key, l, e, head, count, false);
            return;
        }
        if (!blocking || c.denyBlocking) {
            c.reply.nullArray();
            return;
        }
        final long wanted = count;
        c.engine.blocked().block(c, c.db, keys, deadline, (waiting, db, key) -> {
            Dict.Entry e = db.lookupWrite(key);
            if (e == null || !(e.value instanceof ListValue l) || l.size() == 0) {
                return false;
            }
            serveRange(waiting, db, key, l, e, head, wanted, true);
            return true;
        });
    }

    /**
     * listPopRangeAndReplyWithKey: pops up to {@code count} elements as {key, [elements]}; propagated as
     * {@code LPOP|RPOP key n}, n the number popped, in place of the command or, for a waiter served later, alone.
     */
    private static void serveRange(Client c, Database db, byte[] key, ListValue l, Dict.Entry e, boolean head,
                                   long count, boolean served) {
        long n = Math.min(count, l.size());
        c.reply.array(2);
        c.reply.bulk(key);
        c.reply.array((int) n);
        for (long i = 0; i < n; i++) {
            c.reply.bulk(l.pop(head));
        }
        db.modified(key, head ? KeyEvent.LPOP : KeyEvent.RPOP, n);
        deleteIfEmpty(db, e);
        if (c.propagating()) {
            propagate(c, db, served, head ? LPOP : RPOP, key, Ascii.bytes(Long.toString(n)));
        }
    }

    // ---- blocking ----

    /**
     * The form a blocking command is replayed in: in place of the command when it was served at once (the
     * dispatcher then feeds nothing else), or on its own for a waiter served after another client's command
     * (the waiter is not the client whose command runs, so its propagation flag must not be touched).
     */
    static void propagate(Client c, Database db, boolean served, byte[]... argv) {
        if (served) {
            c.engine.keyspace().propagator().feed(db.id, argv, argv.length);
        } else {
            c.propagate(argv);
        }
    }

    /**
     * getTimeoutFromObjectOrReply: seconds as a long double, turned into a deadline on the server clock (0: no
     * deadline); -1 after replying an error.
     */
    static long deadline(Client c, byte[] arg) {
        BigDecimal seconds = LongDouble.parse(arg);
        if (seconds == null) {
            c.error("ERR timeout is not a float or out of range");
            return -1;
        }
        // strtold takes "inf"; Redis's cast of it, or of any value past a long long, turns negative
        BigDecimal millis = seconds.multiply(BigDecimal.valueOf(1000));
        if (LongDouble.isInfinite(seconds) || millis.signum() < 0
                || millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            c.error("ERR timeout is negative");
            return -1;
        }
        long ms = millis.setScale(0, java.math.RoundingMode.CEILING).longValue(); // as Redis: a fraction is a whole ms
        if (ms == 0) {
            return 0;
        }
        long now = c.engine.keyspace().now;
        return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
    }

    static void blpop(Client c) {
        blockingPop(c, true);
    }

    static void brpop(Client c) {
        blockingPop(c, false);
    }

    private static void blockingPop(Client c, boolean head) {
        long deadline = deadline(c, c.argv[c.argc - 1]);
        if (deadline < 0) {
            return;
        }
        byte[][] keys = java.util.Arrays.copyOfRange(c.argv, 1, c.argc - 1);
        for (byte[] key : keys) {
            Dict.Entry e = c.db.lookupWrite(key);
            if (e == null) {
                continue;
            }
            if (!(e.value instanceof ListValue l)) {
                c.wrongType();
                return;
            }
            servePop(c, c.db, key, l, e, head, false);
            return;
        }
        if (c.denyBlocking) {
            c.reply.nullArray();
            return;
        }
        c.engine.blocked().block(c, c.db, keys, deadline, (waiting, db, key) -> {
            Dict.Entry e = db.lookupWrite(key);
            if (e == null || !(e.value instanceof ListValue l) || l.size() == 0) {
                return false;
            }
            servePop(waiting, db, key, l, e, head, true);
            return true;
        });
    }

    /** Replies {key, element} popped from a non-empty list; propagated as the plain pop it amounts to. */
    private static void servePop(Client c, Database db, byte[] key, ListValue l, Dict.Entry e, boolean head,
                                 boolean served) {
        byte[] element = l.pop(head);
        c.reply.array(2);
        c.reply.bulk(key);
        c.reply.bulk(element);
        db.modified(key, head ? KeyEvent.LPOP : KeyEvent.RPOP);
        deleteIfEmpty(db, e);
        if (c.propagating()) {
            propagate(c, db, served, head ? LPOP : RPOP, key);
        }
    }

    static void brpoplpush(Client c) {
        blockingMove(c, false, true, 3, true);
    }

    static void blmove(Client c) {
        int from = side(c, c.argv[3]);
        if (from < 0) {
            return;
        }
        int to = side(c, c.argv[4]);
        if (to < 0) {
            return;
        }
        blockingMove(c, from == 1, to == 1, 5, false);
    }

    /**
     * BLMOVE and BRPOPLPUSH. Served at once, they are replayed as LMOVE with the sides as the client spelled them,
     * or as RPOPLPUSH; a waiter served later as LMOVE with "left"/"right" in lower case (Redis's shared strings),
     * or RPOPLPUSH. A waiter whose destination holds another type by then gets WRONGTYPE and waits no more.
     */
    private static void blockingMove(Client c, boolean fromHead, boolean toHead, int timeoutIdx,
                                     boolean rpoplpush) {
        long deadline = deadline(c, c.argv[timeoutIdx]);
        if (deadline < 0) {
            return;
        }
        byte[] source = c.argv[1];
        byte[] destination = c.argv[2];
        if (c.db.lookupWrite(source) != null) {
            if (move(c, c.db, source, destination, fromHead, toHead) == MOVED && c.propagating()) {
                if (rpoplpush) {
                    c.propagate(RPOPLPUSH, source, destination);
                } else {
                    c.propagate(LMOVE, source, destination, c.argv[3], c.argv[4]);
                }
            }
            return;
        }
        if (c.denyBlocking) {
            c.reply.nullBulk(); // inside EXEC, as blmoveGenericCommand (a real timeout answers a null array)
            return;
        }
        c.engine.blocked().block(c, c.db, new byte[][] {source}, deadline, (waiting, db, key) -> {
            Dict.Entry e = db.lookupWrite(key);
            if (e == null || !(e.value instanceof ListValue l) || l.size() == 0) {
                return false;
            }
            if (move(waiting, db, source, destination, fromHead, toHead) == MOVED && waiting.propagating()) {
                if (rpoplpush) {
                    propagate(waiting, db, true, RPOPLPUSH, source, destination);
                } else {
                    propagate(waiting, db, true, LMOVE, source, destination, fromHead ? LEFT : RIGHT,
                            toHead ? LEFT : RIGHT);
                }
            }
            return true;
        });
    }

    /** createQuicklistObject plus quicklistSetOptions: a new list takes the settings in force when it is created. */
    private static ListValue newList(Client c) {
        return new ListValue(c.engine.config().listMaxListpackSize(), c.engine.config().listCompressDepth());
    }
}
