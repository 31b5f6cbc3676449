package io.cinnabar.server.command;

import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.SetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** Set commands, as t_set.c in Redis 7.0. */
final class SetCommands {
    private static final byte[] SREM = "SREM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final ErrorReply NOT_POSITIVE = Errors.of("ERR value is out of range, must be positive");
    private static final ErrorReply COUNT_RANGE =
            Errors.of("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    private static final ErrorReply NUMKEYS = Errors.of("ERR numkeys should be greater than 0");
    private static final ErrorReply LIMIT_NEGATIVE = Errors.of("ERR LIMIT can't be negative");
    /** SPOP_MOVE_STRATEGY_MUL and SRANDMEMBER_SUB_STRATEGY_MUL. */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;

    private static final int UNION = 0;
    private static final int DIFF = 1;

    private SetCommands() {
    }

    /** The set at {@code key} looked up for reading; null if absent or after replying WRONGTYPE (see failed). */
    private static SetValue readable(Client c, byte[] key, boolean[] wrong) {
        Dict.Entry e = c.db.lookupRead(key);
        if (e == null) {
            return null;
        }
        if (!(e.value instanceof SetValue s)) {
            c.wrongType();
            wrong[0] = true;
            return null;
        }
        return s;
    }

    private static long maxIntset(Client c) {
        return c.engine.config().setMaxIntsetEntries();
    }

    static void sadd(Client c) {
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        SetValue set;
        if (e == null) {
            set = SetValue.createFor(c.argv[2]);
            c.db.add(key, set);
        } else if (!(e.value instanceof SetValue s)) {
            c.wrongType();
            return;
        } else {
            set = s;
        }
        long max = maxIntset(c);
        int added = 0;
        for (int i = 2; i < c.argc; i++) {
            if (set.add(c.argv[i], max)) {
                added++;
            }
        }
        if (added > 0) {
            c.db.modified(key, KeyEvent.SADD, added);
        }
        c.reply.integer(added);
    }

    static void srem(Client c) {
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        int deleted = 0;
        for (int i = 2; i < c.argc; i++) {
            if (set.remove(c.argv[i])) {
                deleted++;
                if (set.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            c.db.modified(key, KeyEvent.SREM, deleted);
            if (set.size() == 0) {
                c.db.deleteEmptied(e);
            }
        }
        c.reply.integer(deleted);
    }

    static void smove(Client c) {
        byte[] src = c.argv[1];
        byte[] dst = c.argv[2];
        byte[] member = c.argv[3];
        Dict.Entry se = c.db.lookupWrite(src);
        Dict.Entry de = c.db.lookupWrite(dst);
        if (se == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(se.value instanceof SetValue srcSet) || (de != null && !(de.value instanceof SetValue))) {
            c.wrongType();
            return;
        }
        SetValue dstSet = de == null ? null : (SetValue) de.value;
        if (srcSet == dstSet) {
            c.reply.raw(srcSet.contains(member) ? Replies.ONE : Replies.ZERO);
            return;
        }
        if (!srcSet.remove(member)) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        c.db.modified(src, KeyEvent.SREM, 1);
        if (srcSet.size() == 0) {
            c.db.deleteEmptied(se);
        }
        if (dstSet == null) {
            dstSet = SetValue.createFor(member);
            c.db.add(dst, dstSet);
        }
        if (dstSet.add(member, maxIntset(c))) {
            c.db.modified(dst, KeyEvent.SADD, 1);
        }
        c.reply.raw(Replies.ONE);
    }

    static void sismember(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        c.reply.raw(set.contains(c.argv[2]) ? Replies.ONE : Replies.ZERO);
    }

    static void smismember(Client c) {
        boolean[] wrong = new boolean[1];
        SetValue set = readable(c, c.argv[1], wrong);
        if (wrong[0]) {
            return;
        }
        c.reply.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            c.reply.raw(set != null && set.contains(c.argv[i]) ? Replies.ONE : Replies.ZERO);
        }
    }

    static void scard(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        c.reply.integer(set.size());
    }

    static void spop(Client c) {
        if (c.argc == 3) {
            spopWithCount(c);
            return;
        } else if (c.argc > 3) {
            c.syntaxError();
            return;
        }
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        byte[] member = set.pop(c.engine.keyspace().random());
        c.db.modified(key, KeyEvent.SPOP, 1);
        if (c.propagating()) {
            c.propagate(SREM, key, member);
        }
        c.reply.bulk(member);
        if (set.size() == 0) {
            c.db.deleteEmptied(e);
        }
    }

    private static void spopWithCount(Client c) {
        if (!Args.longArg(c, 2, 0, Long.MAX_VALUE, NOT_POSITIVE)) {
            return;
        }
        long count = c.parsedLong;
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.set(0);
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        if (count == 0) {
            c.reply.set(0);
            return;
        }
        int size = set.size();
        SplittableRandom random = c.engine.keyspace().random();
        if (count >= size) { // the whole set, as SUNION of the key replies it (so all integers come sorted), then DEL
            SetValue union = new SetValue();
            long max = maxIntset(c);
            set.forEach(member -> union.add(member, max));
            writeSet(c, union);
            c.db.modified(key, KeyEvent.SPOP, size);
            c.db.deleteEmptied(e);
            if (c.propagating()) {
                c.propagate(DEL, key);
            }
            return;
        }
        // each popped member propagated as an SREM of its own, wrapped in MULTI/EXEC as 7.0's also-propagate does
        // (an EXEC's or a script's effects are wrapped once, as a whole)
        List<byte[]> popped = new ArrayList<>((int) count);
        c.reply.set((int) count);
        long remaining = size - count;
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            for (long i = 0; i < count; i++) {
                byte[] member = set.pop(random);
                c.reply.bulk(member);
                popped.add(member);
            }
        } else {
            // keep a new set of the members that stay (built as setTypeCreate/setTypeAdd would), return the rest
            SetValue kept = null;
            long max = maxIntset(c);
            for (long i = 0; i < remaining; i++) {
                byte[] member = set.pop(random);
                if (kept == null) {
                    kept = SetValue.createFor(member);
                }
                kept.add(member, max);
            }
            set.forEach(member -> {
                c.reply.bulk(member);
                popped.add(member);
            });
            e.value = kept;
        }
        c.db.modified(key, KeyEvent.SPOP, count);
        if (c.propagating()) {
            io.cinnabar.server.db.EffectsBatch srems = new io.cinnabar.server.db.EffectsBatch();
            for (byte[] member : popped) {
                srems.feed(c.db.id, new byte[][] {SREM, key, member}, 3);
            }
            srems.replayInto(c.engine.keyspace().propagator()); // joins a script's or EXEC's batch unwrapped
        }
        c.propagationHandled(true);
    }

    static void srandmember(Client c) {
        if (c.argc == 3) {
            srandmemberWithCount(c);
            return;
        } else if (c.argc > 3) {
            c.syntaxError();
            return;
        }
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        c.reply.bulk(set.random(c.engine.keyspace().random()));
    }

    private static void srandmemberWithCount(Client c) {
        if (!Args.longArg(c, 2, Errors.NOT_INTEGER)) {
            return;
        }
        if (c.parsedLong == Long.MIN_VALUE) {
            c.error(COUNT_RANGE);
            return;
        }
        long l = c.parsedLong;
        boolean unique = l >= 0;
        long count = Math.abs(l);
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.array(0);
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        if (count == 0) {
            c.reply.array(0);
            return;
        }
        SplittableRandom random = c.engine.keyspace().random();
        if (!unique || count == 1) {
            c.reply.array((int) Math.min(Integer.MAX_VALUE, count));
            for (long i = 0; i < count; i++) {
                c.reply.bulk(set.random(random));
            }
            return;
        }
        int size = set.size();
        if (count >= size) {
            c.reply.array(size);
            set.forEach(c.reply::bulk);
            return;
        }
        // distinct members: shuffle all and take the count (the order is random, as in Redis)
        List<byte[]> all = new ArrayList<>(size);
        set.forEach(all::add);
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        c.reply.array((int) count);
        for (int i = 0; i < count; i++) {
            c.reply.bulk(all.get(i));
        }
    }

    /** Replies a set's members as a set (RESP3 {@code ~}). */
    private static void writeSet(Client c, SetValue set) {
        c.reply.set(set.size());
        set.forEach(c.reply::bulk);
    }

    static void smembers(Client c) {
        inter(c, 1, 1, null, false, 0);
    }

    static void sinter(Client c) {
        inter(c, 1, c.argc - 1, null, false, 0);
    }

    static void sinterstore(Client c) {
        inter(c, 2, c.argc - 2, c.argv[1], false, 0);
    }

    static void sintercard(Client c) {
        if (!Args.longArg(c, 1, 1, Long.MAX_VALUE, NUMKEYS)) {
            return;
        }
        long numkeys = c.parsedLong;
        if (numkeys > c.argc - 2) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < c.argc; j++) {
            boolean moreArgs = c.argc - 1 - j > 0;
            if (Args.is(c.argv[j], "limit") && moreArgs) {
                j++;
                if (!Args.longArg(c, j, 0, Long.MAX_VALUE, LIMIT_NEGATIVE)) {
                    return;
                }
                limit = c.parsedLong;
            } else {
                c.syntaxError();
                return;
            }
        }
        inter(c, 2, (int) numkeys, null, true, limit);
    }

    /** Looks up {@code n} keys from argv[first]: null for a missing key; false after replying WRONGTYPE. */
    private static boolean lookupAll(Client c, int first, int n, SetValue[] sets) {
        for (int j = 0; j < n; j++) {
            Dict.Entry e = c.db.lookupRead(c.argv[first + j]);
            if (e == null) {
                continue;
            }
            if (!(e.value instanceof SetValue s)) {
                c.wrongType();
                return false;
            }
            sets[j] = s;
        }
        return true;
    }

    /** sinterGenericCommand. */
    private static void inter(Client c, int first, int n, byte[] dstKey, boolean cardinalityOnly, long limit) {
        SetValue[] sets = new SetValue[n];
        if (!lookupAll(c, first, n, sets)) {
            return;
        }
        boolean empty = false;
        for (SetValue s : sets) {
            empty |= s == null;
        }
        if (empty) {
            if (dstKey != null) {
                deleteDestination(c, dstKey);
                c.reply.raw(Replies.ZERO);
            } else if (cardinalityOnly) {
                c.reply.raw(Replies.ZERO);
            } else {
                c.reply.set(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size)); // stable, as glibc's merge-sort qsort
        long max = maxIntset(c);
        SetValue dst = new SetValue();
        List<byte[]> out = new ArrayList<>();
        long[] cardinality = {0};
        SetValue smallest = sets[0];
        boolean[] stop = {false};
        smallest.forEach(member -> {
            if (stop[0]) {
                return;
            }
            for (int j = 1; j < n; j++) {
                if (sets[j] == smallest) {
                    continue;
                }
                if (!sets[j].contains(member)) {
                    return;
                }
            }
            if (cardinalityOnly) {
                cardinality[0]++;
                if (limit != 0 && cardinality[0] >= limit) {
                    stop[0] = true;
                }
            } else if (dstKey == null) {
                out.add(member);
            } else {
                dst.add(member, max);
            }
        });
        if (cardinalityOnly) {
            c.reply.integer(cardinality[0]);
        } else if (dstKey != null) {
            store(c, dstKey, dst, KeyEvent.SINTERSTORE);
        } else {
            c.reply.set(out.size());
            for (byte[] member : out) {
                c.reply.bulk(member);
            }
        }
    }

    /** A STORE with an empty result: the destination is deleted if it existed. */
    private static void deleteDestination(Client c, byte[] dstKey) {
        Dict.Entry e = c.db.lookupWrite(dstKey);
        if (e != null) {
            c.db.unlink(e);
            c.db.modified(dstKey, KeyEvent.DEL, 1);
        }
    }

    /** Stores a STORE's result as setKey does (any old value and TTL replaced), or deletes the key if empty. */
    private static void store(Client c, byte[] dstKey, SetValue result, KeyEvent event) {
        if (result.size() > 0) {
            c.db.set(dstKey, result, false);
            c.reply.integer(result.size());
            c.db.modified(dstKey, event, 1);
        } else {
            c.reply.raw(Replies.ZERO);
            deleteDestination(c, dstKey);
        }
    }

    static void sunion(Client c) {
        unionDiff(c, 1, c.argc - 1, null, UNION);
    }

    static void sunionstore(Client c) {
        unionDiff(c, 2, c.argc - 2, c.argv[1], UNION);
    }

    static void sdiff(Client c) {
        unionDiff(c, 1, c.argc - 1, null, DIFF);
    }

    static void sdiffstore(Client c) {
        unionDiff(c, 2, c.argc - 2, c.argv[1], DIFF);
    }

    /** sunionDiffGenericCommand, with both DIFF algorithms (they can leave the result in different encodings). */
    private static void unionDiff(Client c, int first, int n, byte[] dstKey, int op) {
        SetValue[] sets = new SetValue[n];
        if (!lookupAll(c, first, n, sets)) {
            return;
        }
        boolean sameSet = false;
        for (int j = 1; j < n; j++) {
            sameSet |= sets[0] != null && sets[j] == sets[0];
        }
        int algorithm = 1;
        if (op == DIFF && sets[0] != null && !sameSet) {
            long one = 0;
            long two = 0;
            for (int j = 0; j < n; j++) {
                if (sets[j] != null) {
                    one += sets[0].size();
                    two += sets[j].size();
                }
            }
            one /= 2;
            algorithm = one <= two ? 1 : 2;
            if (algorithm == 1 && n > 1) {
                // subtract the largest sets first (stable, as glibc's merge-sort qsort)
                SetValue[] rest = Arrays.copyOfRange(sets, 1, n);
                Arrays.sort(rest, Comparator.comparingInt((SetValue s) -> s == null ? 0 : s.size()).reversed());
                System.arraycopy(rest, 0, sets, 1, n - 1);
            }
        }
        long max = maxIntset(c);
        SetValue dst = new SetValue();
        if (op == UNION) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(member -> dst.add(member, max));
                }
            }
        } else if (sameSet || sets[0] == null) {
            // empty
        } else if (algorithm == 1) {
            sets[0].forEach(member -> {
                for (int j = 1; j < n; j++) {
                    if (sets[j] == null) {
                        continue;
                    }
                    if (sets[j] == sets[0] || sets[j].contains(member)) {
                        return;
                    }
                }
                dst.add(member, max);
            });
        } else {
            sets[0].forEach(member -> dst.add(member, max));
            for (int j = 1; j < n && dst.size() > 0; j++) {
                if (sets[j] != null) {
                    sets[j].forEach(dst::remove);
                }
            }
        }
        if (dstKey == null) {
            writeSet(c, dst);
        } else {
            store(c, dstKey, dst, op == UNION ? KeyEvent.SUNIONSTORE : KeyEvent.SDIFFSTORE);
        }
    }

    static void sscan(Client c) {
        long cursor = KeyCommands.parseCursor(c.argv[2]);
        if (cursor == KeyCommands.INVALID_CURSOR) {
            c.error(Errors.INVALID_CURSOR);
            return;
        }
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            ScanArgs.replyEmpty(c);
            return;
        }
        if (!(e.value instanceof SetValue set)) {
            c.wrongType();
            return;
        }
        ScanArgs args = ScanArgs.parse(c, 3);
        if (args == null) {
            return;
        }
        List<byte[]> found = new ArrayList<>();
        long next = set.scan(cursor, args.count, member -> {
            if (args.matches(member)) {
                found.add(member);
            }
        });
        ScanArgs.reply(c, next, found);
    }
}
