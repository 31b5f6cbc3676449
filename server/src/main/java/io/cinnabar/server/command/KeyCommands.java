package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.Strings;
import io.cinnabar.server.types.Types;
import java.util.ArrayList;

/** Generic key commands (db.c, expire.c, object.c in Redis 7.0). */
final class KeyCommands {
    private static final byte[] DEL = Ascii.bytes("DEL");
    private static final byte[] PEXPIREAT = Ascii.bytes("PEXPIREAT");
    private static final int EXPIRE_NX = 1;
    private static final int EXPIRE_XX = 2;
    private static final int EXPIRE_GT = 4;
    private static final int EXPIRE_LT = 8;

    private KeyCommands() {
    }

    static void del(Client c) {
        int deleted = 0;
        for (int i = 1; i < c.argc; i++) {
            if (c.db.delete(c.argv[i])) {
                c.db.modified(c.argv[i], KeyEvent.DEL);
                deleted++;
            }
        }
        c.reply.integer(deleted);
    }

    static void unlink(Client c) {
        del(c); // values are reclaimed by the garbage collector in the background either way
    }

    static void exists(Client c) {
        int count = 0;
        for (int i = 1; i < c.argc; i++) {
            if (c.db.lookup(c.argv[i], Database.NOTOUCH) != null) {
                count++;
            }
        }
        c.reply.integer(count);
    }

    static void type(Client c) {
        Dict.Entry e = c.db.lookup(c.argv[1], Database.NOTOUCH);
        c.reply.simple(Types.typeName(e == null ? null : e.value));
    }

    static void touch(Client c) {
        int count = 0;
        for (int i = 1; i < c.argc; i++) {
            if (c.db.lookupRead(c.argv[i]) != null) {
                count++;
            }
        }
        c.reply.integer(count);
    }

    static void rename(Client c) {
        renameGeneric(c, false);
    }

    static void renamenx(Client c) {
        renameGeneric(c, true);
    }

    private static void renameGeneric(Client c, boolean nx) {
        byte[] from = c.argv[1];
        byte[] to = c.argv[2];
        Dict.Entry e = c.db.lookupWrite(from);
        if (e == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (java.util.Arrays.equals(from, to)) {
            c.reply.raw(nx ? Replies.ZERO : Replies.OK);
            return;
        }
        Dict.Entry existing = c.db.lookupWrite(to);
        if (existing != null) {
            if (nx) {
                c.reply.raw(Replies.ZERO);
                return;
            }
            c.db.unlink(existing);
        }
        moveEntry(c.db, e, c.db, to);
        c.db.modified(from, KeyEvent.RENAME_FROM);
        c.db.modified(to, KeyEvent.RENAME_TO, 0);
        c.reply.raw(nx ? Replies.ONE : Replies.OK);
    }

    /** Re-files an entry's value and expiry under {@code key} in {@code target}, removing it from {@code source}. */
    private static void moveEntry(Database source, Dict.Entry e, Database target, byte[] key) {
        source.unlink(e);
        Dict.Entry moved = target.add(key, e.value);
        moved.lru = e.lru;
        if (e.expireAt != Dict.NO_EXPIRE) {
            target.setExpire(moved, e.expireAt);
        }
    }

    static void copy(Client c) {
        Database src = c.db;
        Database dst = c.db;
        boolean replace = false;
        for (int j = 3; j < c.argc; j++) {
            int additional = c.argc - j - 1;
            if (Args.is(c.argv[j], "replace")) {
                replace = true;
            } else if (Args.is(c.argv[j], "db") && additional > 0) {
                if (!Args.intArg(c, j + 1)) {
                    return;
                }
                if (c.parsedLong < 0 || c.parsedLong >= c.engine.keyspace().count()) {
                    c.error(Errors.DB_OUT_OF_RANGE);
                    return;
                }
                dst = c.engine.keyspace().db((int) c.parsedLong);
                j++;
            } else {
                c.syntaxError();
                return;
            }
        }
        byte[] key = c.argv[1];
        byte[] newKey = c.argv[2];
        if (src == dst && java.util.Arrays.equals(key, newKey)) {
            c.error(Errors.SAME_OBJECT);
            return;
        }
        Dict.Entry e = src.lookupRead(key);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        Dict.Entry existing = dst.lookupWrite(newKey);
        if (existing != null) {
            if (!replace) {
                c.reply.raw(Replies.ZERO);
                return;
            }
            dst.unlink(existing);
        }
        Dict.Entry copy = dst.add(newKey, Types.copy(e.value));
        if (e.expireAt != Dict.NO_EXPIRE) {
            dst.setExpire(copy, e.expireAt);
        }
        dst.modified(newKey, KeyEvent.COPY_TO);
        c.reply.raw(Replies.ONE);
    }

    static void move(Client c) {
        if (!Args.intArg(c, 2)) {
            return;
        }
        if (c.parsedLong < 0 || c.parsedLong >= c.engine.keyspace().count()) {
            c.error(Errors.DB_OUT_OF_RANGE);
            return;
        }
        Database src = c.db;
        Database dst = c.engine.keyspace().db((int) c.parsedLong);
        if (src == dst) {
            c.error(Errors.SAME_OBJECT);
            return;
        }
        byte[] key = c.argv[1];
        Dict.Entry e = src.lookupWrite(key);
        if (e == null || dst.lookupWrite(key) != null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        moveEntry(src, e, dst, key);
        src.modified(key, KeyEvent.MOVE_FROM);
        dst.modified(key, KeyEvent.MOVE_TO, 0);
        c.reply.raw(Replies.ONE);
    }

    static void keys(Client c) {
        byte[] pattern = c.argv[1];
        boolean all = Glob.matchesEverything(pattern);
        ArrayList<byte[]> found = new ArrayList<>();
        long now = c.engine.keyspace().now;
        c.db.forEach(e -> {
            if ((all || Glob.matches(pattern, e.key, false))
                    && (e.expireAt == Dict.NO_EXPIRE || now <= e.expireAt)) {
                found.add(e.key);
            }
        });
        c.reply.array(found.size());
        for (byte[] k : found) {
            c.reply.bulk(k);
        }
    }

    static void scan(Client c) {
        long cursor = parseCursor(c.argv[1]);
        if (cursor == INVALID_CURSOR) {
            c.error(Errors.INVALID_CURSOR);
            return;
        }
        long count = 10;
        byte[] pattern = null;
        byte[] type = null;
        int i = 2;
        while (i < c.argc) {
            int remaining = c.argc - i;
            if (Args.is(c.argv[i], "count") && remaining >= 2) {
                if (!Args.longArg(c, i + 1)) {
                    return;
                }
                count = c.parsedLong;
                if (count < 1) {
                    c.syntaxError();
                    return;
                }
                i += 2;
            } else if (Args.is(c.argv[i], "match") && remaining >= 2) {
                pattern = Glob.matchesEverything(c.argv[i + 1]) ? null : c.argv[i + 1];
                i += 2;
            } else if (Args.is(c.argv[i], "type") && remaining >= 2) {
                type = c.argv[i + 1];
                i += 2;
            } else {
                c.syntaxError();
                return;
            }
        }
        ArrayList<byte[]> keys = new ArrayList<>();
        Dict.Visitor collect = e -> keys.add(e.key);
        long maxIterations = count * 10;
        do {
            cursor = c.db.scan(cursor, collect);
        } while (cursor != 0 && maxIterations-- > 0 && keys.size() < count);
        ArrayList<byte[]> kept = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            if (pattern != null && !Glob.matches(pattern, key, false)) {
                continue;
            }
            if (type != null) {
                Dict.Entry e = c.db.lookup(key, Database.NOTOUCH);
                if (!Ascii.equalsIgnoreCase(type, Types.typeName(e == null ? null : e.value))) {
                    continue;
                }
            }
            if (c.db.lookup(key, Database.NOTOUCH | Database.NOSTATS) == null) {
                continue; // expired: deleted now, as expireIfNeeded does
            }
            kept.add(key);
        }
        c.reply.array(2);
        c.reply.bulk(Ascii.bytes(Long.toUnsignedString(cursor)));
        c.reply.array(kept.size());
        for (byte[] key : kept) {
            c.reply.bulk(key);
        }
    }

    static final long INVALID_CURSOR = Long.MIN_VALUE + 1;

    /**
     * parseScanCursorOrReply: strtoul semantics (optional sign, negative wraps, overflow and trailing bytes invalid,
     * the empty string is 0).
     */
    static long parseCursor(byte[] s) {
        int i = 0;
        if (s.length > 0 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))) {
            return INVALID_CURSOR;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        long v = 0;
        int digits = 0;
        for (; i < s.length; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return INVALID_CURSOR;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                return INVALID_CURSOR;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                return INVALID_CURSOR;
            }
            v = next;
            digits++;
        }
        if (digits == 0 && s.length > 0) {
            return INVALID_CURSOR;
        }
        return negative ? -v : v;
    }

    static void randomkey(Client c) {
        Database db = c.db;
        while (true) {
            Dict.Entry e = db.random(c.engine.keyspace().random());
            if (e == null) {
                c.reply.nullBulk();
                return;
            }
            if (db.lookup(e.key, Database.NOTOUCH | Database.NOSTATS) == null) {
                continue; // it had expired and is gone now: pick another
            }
            c.reply.bulk(e.key);
            return;
        }
    }

    static void expire(Client c) {
        expireGeneric(c, c.engine.keyspace().now, true);
    }

    static void pexpire(Client c) {
        expireGeneric(c, c.engine.keyspace().now, false);
    }

    static void expireat(Client c) {
        expireGeneric(c, 0, true);
    }

    static void pexpireat(Client c) {
        expireGeneric(c, 0, false);
    }

    private static void expireGeneric(Client c, long basetime, boolean seconds) {
        int flags = 0;
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int j = 3; j < c.argc; j++) {
            byte[] opt = c.argv[j];
            if (Args.is(opt, "nx")) {
                flags |= EXPIRE_NX;
                nx = true;
            } else if (Args.is(opt, "xx")) {
                flags |= EXPIRE_XX;
                xx = true;
            } else if (Args.is(opt, "gt")) {
                flags |= EXPIRE_GT;
                gt = true;
            } else if (Args.is(opt, "lt")) {
                flags |= EXPIRE_LT;
                lt = true;
            } else {
                c.error("ERR Unsupported option " + Args.string(opt));
                return;
            }
        }
        if ((nx && xx) || (nx && gt) || (nx && lt)) {
            c.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (gt && lt) {
            c.error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        if (!Args.longArg(c, 2)) {
            return;
        }
        long when = c.parsedLong;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                invalidExpire(c);
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            invalidExpire(c);
            return;
        }
        when += basetime;
        byte[] key = c.argv[1];
        Dict.Entry e = c.db.lookupWrite(key);
        if (e == null) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        long current = e.expireAt;
        if (((flags & EXPIRE_NX) != 0 && current != Dict.NO_EXPIRE)
                || ((flags & EXPIRE_XX) != 0 && current == Dict.NO_EXPIRE)
                || ((flags & EXPIRE_GT) != 0 && (when <= current || current == Dict.NO_EXPIRE))
                || ((flags & EXPIRE_LT) != 0 && current != Dict.NO_EXPIRE && when >= current)) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        if (when <= c.engine.keyspace().now) {
            c.db.unlink(e);
            c.db.modified(key, KeyEvent.DEL);
            if (c.propagating()) {
                c.propagate(DEL, key);
            }
            c.reply.raw(Replies.ONE);
        } else {
            c.db.setExpire(e, when);
            c.reply.raw(Replies.ONE); // before the event, as expireGenericCommand (a RESP3 self-subscriber sees it)
            c.db.modified(key, KeyEvent.EXPIRE);
            if (c.propagating()) {
                byte[][] argv = java.util.Arrays.copyOf(c.argv, c.argc);
                argv[0] = PEXPIREAT;
                argv[2] = Numbers.toNewBytes(when);
                c.propagate(argv);
            }
        }
    }

    private static void invalidExpire(Client c) {
        c.error("ERR invalid expire time in '" + c.cmd.fullName + "' command");
    }

    static void ttl(Client c) {
        ttlGeneric(c, false, false);
    }

    static void pttl(Client c) {
        ttlGeneric(c, true, false);
    }

    static void expiretime(Client c) {
        ttlGeneric(c, false, true);
    }

    static void pexpiretime(Client c) {
        ttlGeneric(c, true, true);
    }

    private static void ttlGeneric(Client c, boolean millis, boolean absolute) {
        Dict.Entry e = c.db.lookup(c.argv[1], Database.NOTOUCH);
        if (e == null) {
            c.reply.raw(Replies.MINUS_TWO);
            return;
        }
        if (e.expireAt == Dict.NO_EXPIRE) {
            c.reply.raw(Replies.MINUS_ONE);
            return;
        }
        long ttl = absolute ? e.expireAt : e.expireAt - c.engine.keyspace().now;
        if (ttl < 0) {
            ttl = 0;
        }
        // Redis rounds with (ttl+500)/1000 in a long long; at the very top it wraps and the compiled code divides
        // the wrapped value as unsigned (EXPIRETIME of PXAT 9223372036854775807 is 9223372036854776)
        c.reply.integer(millis ? ttl : Long.divideUnsigned(ttl + 500, 1000));
    }

    static void persist(Client c) {
        Dict.Entry e = c.db.lookupWrite(c.argv[1]);
        if (e == null || e.expireAt == Dict.NO_EXPIRE) {
            c.reply.raw(Replies.ZERO);
            return;
        }
        c.db.removeExpire(e);
        c.db.modified(c.argv[1], KeyEvent.PERSIST);
        c.reply.raw(Replies.ONE);
    }

    // ---- OBJECT ----

    private static Dict.Entry objectLookup(Client c) {
        Dict.Entry e = c.db.lookup(c.argv[2], Database.NOTOUCH);
        if (e == null) {
            c.reply.nullBulk();
        }
        return e;
    }

    static void objectEncoding(Client c) {
        Dict.Entry e = objectLookup(c);
        if (e != null) {
            c.reply.bulk(Types.encoding(e.value));
        }
    }

    static void objectRefcount(Client c) {
        Dict.Entry e = objectLookup(c);
        if (e != null) {
            c.reply.integer(Strings.isShared(e.value) ? Integer.MAX_VALUE : 1);
        }
    }

    static void objectIdletime(Client c) {
        Dict.Entry e = objectLookup(c);
        if (e != null) {
            c.reply.integer(c.engine.keyspace().idleMillis(e) / 1000);
        }
    }

    static void objectFreq(Client c) {
        Dict.Entry e = objectLookup(c);
        if (e != null) {
            c.error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
                    + "when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        }
    }

    static void objectHelp(Client c) {
        Help.reply(c, "OBJECT",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.");
    }
}
