package io.cinnabar.server.command;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.types.RawString;
import io.cinnabar.server.types.Strings;
import io.cinnabar.server.types.Digest;
import io.cinnabar.server.types.HashValue;
import io.cinnabar.server.types.ListValue;
import io.cinnabar.server.types.ZSetValue;
import io.cinnabar.server.types.Types;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG, behind enable-debug-command as Redis gates it. Each subcommand offered does what Redis's does; the rest
 * answer Redis's unknown-subcommand error.
 */
final class DebugCommands {
    private DebugCommands() {
    }

    static void debug(Client c) {
        byte[] sub = c.argv[1];
        if (Args.is(sub, "help") && c.argc == 2) {
            help(c);
        } else if (Args.is(sub, "sleep") && c.argc == 3) {
            sleep(c);
        } else if (Args.is(sub, "set-active-expire") && c.argc == 3) {
            c.engine.activeExpiry().enabled(atoi(c.argv[2]) != 0);
            c.reply.ok();
        } else if (Args.is(sub, "object") && c.argc == 3) {
            object(c);
        } else if (Args.is(sub, "protocol") && c.argc == 3) {
            protocol(c);
        } else if (Args.is(sub, "digest") && c.argc == 2) {
            c.reply.simple(hex(datasetDigest(c)));
        } else if (Args.is(sub, "digest-value") && c.argc >= 2) {
            c.reply.array(c.argc - 2);
            for (int j = 2; j < c.argc; j++) {
                Digest digest = new Digest();
                Dict.Entry e = c.db.peek(c.argv[j]);
                if (e != null) {
                    objectDigest(e, digest);
                }
                c.reply.simple(digest.hex());
            }
        } else if (Args.is(sub, "reload")) {
            reload(c);
        } else if (Args.is(sub, "loadaof")) {
            String failure = c.engine.aof().debugLoadAof();
            c.propagationHandled(true); // server.dirty = 0 in Redis: DEBUG LOADAOF is never propagated
            if (failure != null) {
                c.error("ERR Error loading the AOF: " + failure); // Redis exits here
            } else {
                c.reply.ok();
            }
        } else if (Args.is(sub, "log") && c.argc == 3) {
            c.engine.log().warning("DEBUG LOG: " + Args.string(c.argv[2]));
            c.reply.ok();
        } else {
            Help.unknownSubcommand(c, "DEBUG");
        }
    }

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, then load the file back. The file is read into a fresh keyspace
     * that replaces the current one only once the whole file loaded, so a failed load keeps the data (Redis has
     * flushed it by then; NOFLUSH with a key on both sides is refused here where Redis stops the server).
     */
    private static void reload(Client c) {
        boolean flush = true;
        boolean save = true;
        boolean merge = false;
        for (int j = 2; j < c.argc; j++) {
            if (Args.is(c.argv[j], "merge")) {
                merge = true;
            } else if (Args.is(c.argv[j], "noflush")) {
                flush = false;
            } else if (Args.is(c.argv[j], "nosave")) {
                save = false;
            } else {
                c.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        io.cinnabar.server.persist.RdbPersistence rdb = c.engine.rdb();
        if (save && !rdb.save(false)) {
            c.error("ERR");
            return;
        }
        try {
            rdb.load(rdb.file(), flush, merge);
        } catch (io.cinnabar.server.persist.RdbPersistence.LoadError e) {
            c.engine.log().warning(e.getMessage());
            c.error("ERR Error trying to load the RDB dump, check server logs.");
            return;
        } catch (java.nio.file.NoSuchFileException e) {
            c.engine.log().warning("Fatal error loading the DB: No such file or directory.");
            c.error("ERR Error trying to load the RDB dump, check server logs.");
            return;
        }
        c.engine.log().warning("DB reloaded by DEBUG RELOAD");
        c.reply.ok();
    }

    /** C's atoi: leading blanks, optional sign, digits; anything else stops it; no digits is 0. */
    static long atoi(byte[] s) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length && (s[i] == '-' || s[i] == '+')) {
            neg = s[i] == '-';
            i++;
        }
        long v = 0;
        while (i < s.length && s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (s[i] - '0');
            i++;
        }
        return neg ? -v : v;
    }

    private static void sleep(Client c) {
        double seconds;
        try {
            seconds = Double.parseDouble(leadingNumber(Args.string(c.argv[2])));
        } catch (NumberFormatException e) {
            seconds = 0;
        }
        long micros = (long) (seconds * 1_000_000);
        if (micros > 0) {
            try {
                // DEBUG SLEEP stops the server on purpose, as Redis's does
                Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        c.reply.ok();
    }

    /** The longest prefix strtod would read. */
    private static String leadingNumber(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(s);
        return m.find() ? m.group().trim() : "0";
    }

    private static void object(Client c) {
        Dict.Entry e = c.db.lookup(c.argv[2], Database.NOTOUCH | Database.NOSTATS);
        if (e == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        long refcount = Strings.isShared(e.value) ? Integer.MAX_VALUE : 1;
        c.reply.simple("Value at:0x" + Long.toHexString(0x7f0000000000L | System.identityHashCode(e.value))
                + " refcount:" + refcount + " encoding:" + Types.encoding(e.value)
                + " serializedlength:" + serializedLength(c, e.value)
                + " lru:" + e.lru + " lru_seconds_idle:" + c.engine.keyspace().idleMillis(e) / 1000
                + (e.value instanceof ListValue l ? quicklistInfo(l) : ""));
    }

    /**
     * debugCommand's extra fields for a quicklist: nodes, average fill, the fill setting, whether the list was
     * created with a compress depth (Redis prints ql->compress != 0, not whether any node is compressed now), and
     * the nodes' uncompressed sizes added up.
     */
    private static String quicklistInfo(ListValue l) {
        int nodes = l.nodeCount();
        return " ql_nodes:" + nodes + " ql_avg_node:"
                + String.format(java.util.Locale.ROOT, "%.2f", nodes == 0 ? 0.0 : (double) l.size() / nodes)
                + " ql_listpack_max:" + l.fill() + " ql_compressed:" + (l.compressDepth() != 0 ? 1 : 0)
                + " ql_uncompressed_size:" + l.uncompressedBytes();
    }

    /** rdbSavedObjectLen: the value's RDB bytes after its type byte, compressed as rdbcompression says. */
    static long serializedLength(Client c, Object v) {
        return DumpCommands.serializedLength(v, "yes".equals(c.engine.config().find("rdbcompression").get()));
    }

    private static void protocol(Client c) {
        ReplyWriter w = c.reply;
        byte[] name = c.argv[2];
        if (Args.is(name, "string")) {
            w.bulk("Hello World");
        } else if (Args.is(name, "integer")) {
            w.integer(12345);
        } else if (Args.is(name, "double")) {
            w.doubleValue(3.141);
        } else if (Args.is(name, "bignum")) {
            w.bigNumber("1234567999999999999999999999999999999".getBytes(StandardCharsets.US_ASCII));
        } else if (Args.is(name, "null")) {
            w.nullBulk();
        } else if (Args.is(name, "array")) {
            w.array(3);
            for (int j = 0; j < 3; j++) {
                w.integer(j);
            }
        } else if (Args.is(name, "set")) {
            w.set(3);
            for (int j = 0; j < 3; j++) {
                w.integer(j);
            }
        } else if (Args.is(name, "map")) {
            w.map(3);
            for (int j = 0; j < 3; j++) {
                w.integer(j);
                w.bool(j == 1);
            }
        } else if (Args.is(name, "attrib")) {
            if (w.resp3()) {
                w.raw("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            w.bulk("Some real reply following the attribute");
        } else if (Args.is(name, "push")) {
            if (!w.resp3()) {
                c.error("ERR RESP2 is not supported by this command");
                return;
            }
            w.push(2);
            w.bulk("server-cpu-usage");
            w.integer(42);
            w.bulk("Some real reply following the push reply");
        } else if (Args.is(name, "true")) {
            w.bool(true);
        } else if (Args.is(name, "false")) {
            w.bool(false);
        } else if (Args.is(name, "verbatim")) {
            w.verbatim("txt", "This is a verbatim\nstring".getBytes(StandardCharsets.US_ASCII));
        } else {
            c.error("ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    // ---- digests: SHA1-based, order independent, equal to Redis's for the same data. Ported from Redis 7.0's
    // debug.c (xorObjectDigest, computeDatasetDigest; BSD-3-Clause, see NOTICE): per key the key mixed in, then the
    // type number and the value (Types.digest), then "!!expire!!" XORed in when the key has an expiry (logically
    // expired keys still count, as Redis walks the dict without expiring); per non-empty database its number mixed
    // in, then each key's digest XORed in ----

    static void objectDigest(Dict.Entry e, Digest digest) {
        Types.digest(e.value, digest);
        if (e.expireAt != Dict.NO_EXPIRE) {
            digest.xor("!!expire!!".getBytes(StandardCharsets.US_ASCII));
        }
    }

    static byte[] datasetDigest(Client c) {
        Digest result = new Digest();
        for (int j = 0; j < c.engine.keyspace().count(); j++) {
            Database db = c.engine.keyspace().db(j);
            if (db.size() == 0) {
                continue;
            }
            result.mix(j);
            db.forEach(e -> {
                Digest digest = new Digest();
                digest.mix(e.key);
                objectDigest(e, digest);
                result.xor(digest);
            });
        }
        return result.bytes();
    }

    static String hex(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    private static void help(Client c) {
        Help.reply(c, "DEBUG",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: conflicting keys will be loaded from RDB.",
                "    * NOFLUSH: the existing database will not be removed before load, but",
                "      conflicting keys will generate an exception and kill the server.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.");
    }
}
