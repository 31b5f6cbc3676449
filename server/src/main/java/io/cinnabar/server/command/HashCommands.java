package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.LongDouble;
import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.HashValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hash commands, as t_hash.c in Redis 7.0. */
final class HashCommands {
    private static final byte[] HSET = "HSET".getBytes(StandardCharsets.US_ASCII);

    private HashCommands() {
    }

    /** hashTypeLookupWriteOrCreate: the hash at {@code key}, created if absent; null after replying WRONGTYPE. */
    private static HashValue writable(Client c, byte[] key) {
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            HashValue h = new HashValue();
            c.db.add(key, h);
            return h;
        }
        if (!(e.value instanceof HashValue h)) {
            c.wrongType();
            return null;
        }
        return h;
    }

    private static boolean wrongType(Client c, byte[] key) {
        Dict.Entry e = c.db.lookupWrite(key);
        if (e != null && !(e.value instanceof HashValue)) {
            c.wrongType();
            return true;
        }
        return false;
    }

    static void hset(Client c) {
        if (c.argc % 2 == 1) {
            c.error("ERR wrong number of arguments for '" + c.cmd.fullName + "' command");
            return;
        }
        byte[] key = c.argv[1];
        if (wrongType(c, key)) {
            return;
        }
        HashValue h = writable(c, key);
        long maxValue = c.engine.config().hashMaxListpackValue();
        for (int i = 2; i < c.argc; i++) {
            h.makeRoomFor(c.argv[i], maxValue);
        }
        long maxEntries = c.engine.config().hashMaxListpackEntries();
        int created = 0;
        for (int i = 2; i < c.argc; i += 2) {
            if (h.set(c.argv[i], c.argv[i + 1], maxEntries)) {
                created++;
            }
        }
        if (c.cmd.name.equals("hmset")) {
            c.reply.ok();
        } else {
            c.reply.integer(created);
        }
        c.db.modified(key, KeyEvent.HSET, (c.argc - 2) / 2);
    }

    static void hsetnx(Client c) {
        byte[] key = c.argv[1];
        if (wrongType(c, key)) {
            return;
        }
        HashValue h = writable(c, key);
        if (h.contains(c.argv[2])) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        long maxValue = c.engine.config().hashMaxListpackValue();
        h.makeRoomFor(c.argv[2], maxValue);
        h.makeRoomFor(c.argv[3], maxValue);
        h.set(c.argv[2], c.argv[3], c.engine.config().hashMaxListpackEntries());
        c.reply.raw(Replies.ONE);
        c.db.modified(key, KeyEvent.HSET);
    }

    static void hget(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        if (!(e.value instanceof HashValue h)) {
            c.wrongType();
            return;
        }
        byte[] value = h.get(c.argv[2]);
        if (value == null) {
            c.reply.nullBulk();
        } else {
            c.reply.bulk(value);
        }
    }

    static void hmget(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e != null && !(e.value instanceof HashValue)) {
            c.wrongType();
            return;
        }
        HashValue h = e == null ? null : (HashValue) e.value;
        c.reply.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            byte[] value = h == null ? null : h.get(c.argv[i]);
            if (value == null) {
                c.reply.nullBulk();
            } else {
                c.reply.bulk(value);
            }
        }
    }

    static void hdel(Client c) {
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (!(e.value instanceof HashValue h)) {
            c.wrongType();
            return;
        }
        int deleted = 0;
        for (int i = 2; i < c.argc; i++) {
            if (h.delete(c.argv[i])) {
                deleted++;
                if (h.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            c.db.modified(key, KeyEvent.HDEL, deleted);
            if (h.size() == 0) {
                c.db.deleteEmptied(e);
            }
        }
        c.reply.integer(deleted);
    }

    static void hlen(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e != null && !(e.value instanceof HashValue)) {
            c.wrongType();
            return;
        }
        c.reply.integer(e == null ? 0 : ((HashValue) e.value).size());
    }

    static void hstrlen(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e != null && !(e.value instanceof HashValue)) {
            c.wrongType();
            return;
        }
        byte[] value = e == null ? null : ((HashValue) e.value).get(c.argv[2]);
        c.reply.integer(value == null ? 0 : value.length);
    }

    static void hexists(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e != null && !(e.value instanceof HashValue)) {
            c.wrongType();
            return;
        }
        c.reply.raw(e != null && ((HashValue) e.value).contains(c.argv[2]) ? Replies.ONE : Replies.ZERO);
    }

    static void hkeys(Client c) {
        getAll(c, true, false);
    }

    static void hvals(Client c) {
        getAll(c, false, true);
    }

    static void hgetall(Client c) {
        getAll(c, true, true);
    }

    /** genericHgetallCommand: a map in RESP3 for both, a flat array otherwise. */
    private static void getAll(Client c, boolean fields, boolean values) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e != null && !(e.value instanceof HashValue)) {
            c.wrongType();
            return;
        }
        if (e == null) {
            if (fields && values) {
                c.reply.map(0);
            } else {
                c.reply.array(0);
            }
            return;
        }
        HashValue h = (HashValue) e.value;
        if (fields && values) {
            c.reply.map(h.size());
        } else {
            c.reply.array(h.size());
        }
        h.forEach((field, value) -> {
            if (fields) {
                c.reply.bulk(field);
            }
            if (values) {
                c.reply.bulk(value);
            }
        });
    }

    static void hincrby(Client c) {
        if (!Args.longArg(c, 3)) {
            return;
        }
        long incr = c.parsedLong;
        byte[] key = c.argv[1];
        if (wrongType(c, key)) {
            return;
        }
        HashValue h = writable(c, key);
        byte[] current = h.get(c.argv[2]);
        long value = 0;
        if (current != null) {
            value = Numbers.parseLong(current);
            if (value == Numbers.NOT_A_NUMBER && !Numbers.isLong(current)) {
                c.error("ERR hash value is not an integer");
                return;
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.error(Errors.INCR_OVERFLOW);
            return;
        }
        value += incr;
        byte[] stored = Numbers.toNewBytes(value);
        h.makeRoomFor(c.argv[2], c.engine.config().hashMaxListpackValue());
        h.set(c.argv[2], stored, c.engine.config().hashMaxListpackEntries());
        c.reply.integer(value);
        c.db.modified(key, KeyEvent.HINCRBY);
    }

    static void hincrbyfloat(Client c) {
        BigDecimal incr = LongDouble.parse(c.argv[3]);
        if (incr == null) {
            c.error(Errors.NOT_FLOAT);
            return;
        }
        if (LongDouble.isInfinite(incr)) {
            c.error("ERR value is NaN or Infinity");
            return;
        }
        byte[] key = c.argv[1];
        if (wrongType(c, key)) {
            return;
        }
        HashValue h = writable(c, key);
        byte[] current = h.get(c.argv[2]);
        BigDecimal value = BigDecimal.ZERO;
        if (current != null) {
            value = LongDouble.parse(current);
            if (value == null) {
                c.error("ERR hash value is not a float");
                return;
            }
        }
        BigDecimal result = LongDouble.add(value, incr);
        if (result == null) {
            c.error(Errors.NAN_OR_INFINITY);
            return;
        }
        byte[] formatted = LongDouble.format(result);
        h.makeRoomFor(c.argv[2], c.engine.config().hashMaxListpackValue());
        h.makeRoomFor(formatted, c.engine.config().hashMaxListpackValue());
        h.set(c.argv[2], formatted, c.engine.config().hashMaxListpackEntries());
        c.reply.bulk(formatted);
        c.db.modified(key, KeyEvent.HINCRBYFLOAT);
        if (c.propagating()) {
            // replicated as HSET with the result, so replicas never differ in float formatting
            c.propagate(HSET, key, c.argv[2], formatted);
        }
    }

    static void hrandfield(Client c) {
        if (c.argc == 2) {
            Dict.Entry e = c.db.lookupRead(c.argv[1]);
            if (e == null) {
                c.reply.nullBulk();
                return;
            }
            if (!(e.value instanceof HashValue h)) {
                c.wrongType();
                return;
            }
            c.reply.bulk(h.random(c.engine.keyspace().random())[0]);
            return;
        }
        // as hrandfieldCommand: the count first, then the syntax, then the range WITHVALUES allows
        if (!Args.longArg(c, 2, -Long.MAX_VALUE, Long.MAX_VALUE, Errors.NOT_INTEGER)) {
            return;
        }
        long requested = c.parsedLong;
        if (c.argc > 4 || (c.argc == 4 && !Args.is(c.argv[3], "withvalues"))) {
            c.syntaxError();
            return;
        }
        boolean withValues = c.argc == 4;
        if (withValues && (requested < -Long.MAX_VALUE / 2 || requested > Long.MAX_VALUE / 2)) {
            c.error("ERR value is out of range");
            return;
        }
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.array(0);
            return;
        }
        if (!(e.value instanceof HashValue h)) {
            c.wrongType();
            return;
        }
        if (requested == 0) {
            c.reply.array(0);
            return;
        }
        boolean resp3 = c.reply.protocol() == 3;
        if (requested < 0) { // repetitions allowed: each pick independent
            long count = -requested;
            c.reply.array((int) Math.min(Integer.MAX_VALUE, withValues && !resp3 ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                byte[][] pair = h.random(c.engine.keyspace().random());
                writePair(c, pair[0], pair[1], withValues, resp3);
            }
            return;
        }
        int size = h.size();
        if (requested >= size) { // the whole hash, in its order
            c.reply.array(withValues && !resp3 ? size * 2 : size);
            h.forEach((field, value) -> writePair(c, field, value, withValues, resp3));
            return;
        }
        // distinct fields: take all, then drop random ones until the count remains (order is random as in Redis)
        List<byte[][]> all = new ArrayList<>(size);
        h.forEach((field, value) -> all.add(new byte[][] {field, value}));
        java.util.SplittableRandom random = c.engine.keyspace().random();
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte[][] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        int count = (int) requested;
        c.reply.array(withValues && !resp3 ? count * 2 : count);
        for (int i = 0; i < count; i++) {
            writePair(c, all.get(i)[0], all.get(i)[1], withValues, resp3);
        }
    }

    /** A field, or with values a field and value: flat in RESP2, a two-element array each in RESP3. */
    private static void writePair(Client c, byte[] field, byte[] value, boolean withValues, boolean resp3) {
        if (withValues && resp3) {
            c.reply.array(2);
        }
        c.reply.bulk(field);
        if (withValues) {
            c.reply.bulk(value);
        }
    }

    static void hscan(Client c) {
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
        if (!(e.value instanceof HashValue h)) {
            c.wrongType();
            return;
        }
        ScanArgs args = ScanArgs.parse(c, 3);
        if (args == null) {
            return;
        }
        List<byte[]> found = new ArrayList<>();
        long next = h.scan(cursor, args.count, (field, value) -> {
            if (args.matches(field)) {
                found.add(field);
                found.add(value);
            }
        });
        ScanArgs.reply(c, next, found);
    }
}
