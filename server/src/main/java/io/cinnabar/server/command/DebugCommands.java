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
        } else if (Args.is(sub, "loadaof")) {
            String failure = c.engine.aof().debugLoadAof();
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
                + " serializedlength:" + serializedLength(e.value)
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

    /**
     * The length of the value as an RDB string (rdbSavedObjectLen): integers that fit 32 bits as 2, 3 or 5 bytes,
     * strings over 20 bytes LZF-compressed when that saves space (rdbcompression yes), others as a length prefix
     * plus the bytes.
     */
    static long serializedLength(Object v) {
        if (v instanceof Long n) {
            return integerLength(n);
        }
        if (v instanceof ListValue l) { // RDB_TYPE_LIST_QUICKLIST_2: a node count, then each node's container and blob
            long[] total = {lengthPrefix(l.nodeCount())};
            l.forEachNode((data, length, compressed, rawBytes) -> total[0] += 1 + (compressed
                    ? 1 + lengthPrefix(length) + lengthPrefix(rawBytes) + length // rdbSaveLzfBlob as it is
                    : serializedLength(java.util.Arrays.copyOf(data, length))));
            return total[0];
        }
        if (v instanceof HashValue h) {
            byte[] listpack = h.listpackBytes();
            if (listpack != null) {
                return serializedLength(listpack); // RDB_TYPE_HASH_LISTPACK: the blob as one string
            }
            long[] total = {lengthPrefix(h.size())}; // RDB_TYPE_HASH: a count, then each field and value
            h.forEach((field, value) -> total[0] += serializedLength(field) + serializedLength(value));
            return total[0];
        }
        if (v instanceof io.cinnabar.server.types.SetValue s) {
            byte[] intset = s.intsetBytes();
            if (intset != null) {
                return serializedLength(intset); // RDB_TYPE_SET_INTSET: the blob as one string
            }
            long[] total = {lengthPrefix(s.size())}; // RDB_TYPE_SET: a count, then each member
            s.forEach(member -> total[0] += serializedLength(member));
            return total[0];
        }
        if (v instanceof ZSetValue z) {
            byte[] listpack = z.listpackBytes();
            if (listpack != null) {
                return serializedLength(listpack); // RDB_TYPE_ZSET_LISTPACK: the blob as one string
            }
            long[] total = {lengthPrefix(z.size())}; // RDB_TYPE_ZSET_2: a count, then members and binary scores
            z.forEach((member, score) -> total[0] += serializedLength(member) + 8);
            return total[0];
        }
        if (v instanceof io.cinnabar.server.types.StreamValue s) {
            return streamSerializedLength(s);
        }
        byte[] b = v instanceof byte[] bytes ? bytes : ((RawString) v).toBytes();
        if (b.length <= 11) {
            long n = io.cinnabar.protocol.bytes.Numbers.parseLong(b);
            if (n != io.cinnabar.protocol.bytes.Numbers.NOT_A_NUMBER) {
                long enc = integerLength(n);
                if (enc > 0 && enc < 6) {
                    return enc;
                }
            }
        }
        if (b.length > 20) {
            byte[] out = new byte[b.length - 4];
            int compressed = io.cinnabar.server.persist.Lzf.compress(b, b.length, out);
            if (compressed > 0) {
                return 1 + lengthPrefix(compressed) + lengthPrefix(b.length) + compressed;
            }
        }
        return lengthPrefix(b.length) + b.length;
    }

    private static long integerLength(long n) {
        if (n >= -(1 << 7) && n <= (1 << 7) - 1) {
            return 2;
        } else if (n >= -(1 << 15) && n <= (1 << 15) - 1) {
            return 3;
        } else if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
            return 5;
        }
        int digits = io.cinnabar.protocol.bytes.Numbers.digits(n);
        return lengthPrefix(digits) + digits;
    }

    /**
     * RDB_TYPE_STREAM_LISTPACKS_3... as 7.0 writes it (type 19): the nodes (16-byte key and listpack blob each),
     * length, last, first and greatest deleted IDs, entries added, then each group with its PEL and consumers.
     */
    private static long streamSerializedLength(io.cinnabar.server.types.StreamValue s) {
        long[] total = {lengthPrefix(s.nodeCount())};
        s.forEachNode((ms, seq, lp) -> total[0] += 17 + serializedLength(lp.toBytes()));
        total[0] += unsignedLength(s.length()) + unsignedLength(s.lastMs()) + unsignedLength(s.lastSeq());
        total[0] += unsignedLength(s.firstId().ms) + unsignedLength(s.firstId().seq);
        total[0] += unsignedLength(s.maxDeletedId().ms) + unsignedLength(s.maxDeletedId().seq);
        total[0] += unsignedLength(s.entriesAdded()) + lengthPrefix(s.groupCount());
        if (s.groups() != null) {
            for (java.util.Map.Entry<byte[], io.cinnabar.server.types.StreamGroup> e : s.groups().entrySet()) {
                io.cinnabar.server.types.StreamGroup g = e.getValue();
                total[0] += serializedLength(e.getKey()) + unsignedLength(g.lastId.ms) + unsignedLength(g.lastId.seq)
                        + unsignedLength(g.entriesRead) + lengthPrefix(g.pel.size());
                for (long p = g.pel.first(); p >= 0; p = g.pel.next(p)) {
                    total[0] += 16 + 8 + unsignedLength(g.pel.value(p).deliveryCount);
                }
                total[0] += lengthPrefix(g.consumers.size());
                for (io.cinnabar.server.types.StreamConsumer c : g.consumers.values()) {
                    total[0] += serializedLength(c.name) + 8 + lengthPrefix(c.pel.size()) + 16L * c.pel.size();
                }
            }
        }
        return total[0];
    }

    /** rdbSaveLen's size for a value Redis holds unsigned (IDs, counters; -1 is 2^64-1). */
    private static int unsignedLength(long v) {
        return v < 0 ? 9 : lengthPrefix(v);
    }

    private static int lengthPrefix(long len) {
        if (len < (1 << 6)) {
            return 1;
        } else if (len < (1 << 14)) {
            return 2;
        } else if (len <= 0xffffffffL) {
            return 5;
        }
        return 9;
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
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.");
    }
}
