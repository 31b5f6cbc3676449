package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.protocol.reply.Replies;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.persist.DumpPayload;
import io.cinnabar.server.persist.RdbInput;
import io.cinnabar.server.persist.RdbOutput;
import io.cinnabar.server.persist.RdbType;
import io.cinnabar.server.persist.RdbValues;
import java.io.IOException;
import java.util.Arrays;

/**
 * DUMP and RESTORE (cluster.c in Redis 7.0): a value serialized as in an RDB file (type byte, then the value), the
 * RDB version and a CRC-64, and the reverse with Redis's checks in Redis's order, TTL handling and propagation (a
 * relative TTL goes to AOF and replicas as an absolute one with ABSTTL). Ported from Redis 7.0's cluster.c
 * (dumpCommand, restoreCommand, createDumpPayload), Copyright (c) 2009-2012 Salvatore Sanfilippo, BSD-3-Clause;
 * see NOTICE.
 */
final class DumpCommands {
    private static final ErrorReply BAD_FORMAT = Errors.of("ERR Bad data format");
    private static final ErrorReply BAD_PAYLOAD = Errors.of("ERR DUMP payload version or checksum are wrong");
    private static final ErrorReply BUSY_KEY = Errors.of("BUSYKEY Target key name already exists.");
    private static final byte[] ABSTTL = Ascii.bytes("ABSTTL");
    private static final byte[] DEL = Ascii.bytes("DEL");
    private static final byte[] UNLINK = Ascii.bytes("UNLINK");
    /** A DUMP buffer this large or larger is not kept for the next DUMP. */
    private static final int KEEP_BUFFER = 1 << 20;

    /** The executor's DUMP buffers (with and without rdbcompression), reused so DUMP allocates only its reply. */
    private static final ThreadLocal<RdbOutput[]> BUFFERS = ThreadLocal.withInitial(() -> new RdbOutput[2]);

    private DumpCommands() {
    }

    static void dump(Client c) {
        Dict.Entry e = c.db.lookupRead(c.argv[1]);
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        c.reply.bulk(payload(e.value, "yes".equals(c.engine.config().find("rdbcompression").get())));
    }

    /** createDumpPayload: the type byte, the value, the RDB version and the CRC-64 of all before it. */
    static byte[] payload(Object value, boolean compress) {
        RdbOutput out = buffer(compress);
        out.write(RdbValues.typeOf(value));
        RdbValues.write(out, value);
        byte[] payload = DumpPayload.finish(out);
        release(out, compress);
        return payload;
    }

    /** rdbSavedObjectLen (DEBUG OBJECT's serializedlength): the bytes RdbValues writes for the value. */
    static long serializedLength(Object value, boolean compress) {
        RdbOutput out = buffer(compress);
        RdbValues.write(out, value);
        long size = out.size();
        release(out, compress);
        return size;
    }

    private static RdbOutput buffer(boolean compress) {
        RdbOutput[] buffers = BUFFERS.get();
        int slot = compress ? 1 : 0;
        RdbOutput out = buffers[slot];
        if (out == null) {
            out = new RdbOutput(256, compress);
            buffers[slot] = out;
        }
        out.reset();
        return out;
    }

    /** Drops a buffer that grew large, so one big DUMP does not pin its memory. */
    private static void release(RdbOutput out, boolean compress) {
        if (out.array().length >= KEEP_BUFFER) {
            BUFFERS.get()[compress ? 1 : 0] = null;
        }
    }

    /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]. */
    static void restore(Client c) {
        boolean replace = false;
        boolean absttl = false;
        long freq = -1;
        long idle = -1;
        for (int j = 4; j < c.argc; j++) {
            int additional = c.argc - j - 1;
            if (Args.is(c.argv[j], "replace")) {
                replace = true;
            } else if (Args.is(c.argv[j], "absttl")) {
                absttl = true;
            } else if (Args.is(c.argv[j], "idletime") && additional >= 1 && freq == -1) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                idle = c.parsedLong;
                if (idle < 0) {
                    c.error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                j++;
            } else if (Args.is(c.argv[j], "freq") && additional >= 1 && idle == -1) {
                if (!Args.longArg(c, j + 1)) {
                    return;
                }
                freq = c.parsedLong;
                if (freq < 0 || freq > 255) {
                    c.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                j++;
            } else {
                c.syntaxError();
                return;
            }
        }
        byte[] key = c.argv[1];
        if (!replace && c.db.lookupWrite(key) != null) {
            c.error(BUSY_KEY);
            return;
        }
        if (!Args.longArg(c, 2)) {
            return;
        }
        long ttl = c.parsedLong;
        if (ttl < 0) {
            c.error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = c.argv[3];
        if (!DumpPayload.verify(payload)) {
            c.error(BAD_PAYLOAD);
            return;
        }
        Object value = load(payload, c.engine.config());
        if (value == null) {
            c.error(BAD_FORMAT);
            return;
        }

        Database db = c.db;
        Keyspace keyspace = c.engine.keyspace();
        boolean deleted = replace && db.delete(key);
        if (ttl != 0 && !absttl) {
            ttl += keyspace.now; // commandTimeSnapshot; may wrap for absurd values, as in Redis
        }
        if (ttl != 0 && ttl <= keyspace.now) {
            // checkAlreadyExpired: the key is not created, and one it replaced is gone
            if (deleted) {
                if (c.propagating()) {
                    boolean lazy = "yes".equals(c.engine.config().find("lazyfree-lazy-server-del").get());
                    c.propagate(lazy ? UNLINK : DEL, key);
                }
                db.modified(key, KeyEvent.DEL);
            }
            c.reply.raw(Replies.OK);
            return;
        }
        Dict.Entry e = db.add(key, value);
        if (ttl != 0) {
            db.setExpire(e, ttl);
        }
        if (idle >= 0) {
            // objectSetLRUOrLFU: the access time that many seconds ago on the wrapping LRU clock (FREQ only counts
            // under an LFU policy, which this server does not have)
            long at = keyspace.lruClock() - idle;
            if (at < 0) {
                at += Keyspace.LRU_CLOCK_MAX;
            }
            e.lru = (int) at;
        }
        if (ttl != 0 && !absttl && c.propagating()) {
            // propagate the TTL as an absolute time: RESTORE key <unix-ms> payload [options] ABSTTL
            byte[][] argv = Arrays.copyOf(c.argv, c.argc + 1);
            argv[2] = Numbers.toNewBytes(ttl);
            argv[c.argc] = ABSTTL;
            c.propagate(argv);
        }
        db.modified(key, KeyEvent.RESTORE);
        c.reply.raw(Replies.OK);
    }

    /**
     * The value in a verified payload, or null for Redis's "Bad data format": not an object type, a value that
     * fails to parse (read from the whole payload, footer included, as Redis's rio over the buffer reads), or an
     * empty collection. sanitize-dump-payload decides the deep checks: "clients" means every RESTORE here, since
     * this server has neither a master link nor ACL users that skip sanitization.
     */
    static Object load(byte[] payload, Config config) {
        boolean deep = !"no".equals(config.find("sanitize-dump-payload").get());
        RdbInput in = new RdbInput(payload, 0, payload.length);
        try {
            int type = in.readByte();
            if (!RdbType.isObjectType(type)) {
                return null;
            }
            return RdbValues.read(in, type, config, deep);
        } catch (IOException | RuntimeException e) {
            return null; // RuntimeException only from a bug: still no reason to take the server down
        }
    }
}
