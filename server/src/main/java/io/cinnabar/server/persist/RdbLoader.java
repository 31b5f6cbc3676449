package io.cinnabar.server.persist;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an RDB file of versions 1 to 10 as Redis 7.0's rdbLoadRio does: signature and version, every opcode (AUX,
 * SELECTDB, RESIZEDB, EXPIRETIME_MS, the old EXPIRETIME in seconds, IDLE, FREQ, FUNCTION2 and the release
 * candidates' FUNCTION, MODULE_AUX refused as Redis refuses it without the module), key entries through
 * {@link RdbValues}, EOF and the CRC-64. Keys go into a keyspace of the caller's (an empty one, so a failed load
 * changes nothing the server had); function libraries are returned for the caller to create. Keys already expired
 * are dropped when asked (a master loading a file, not an AOF preamble). Anything wrong throws
 * {@link RdbFormatException} with what and the offset. Not thread-safe.
 *
 * <p>Follows Redis 7.0's rdb.c (rdbLoadRioWithLoadingCtx), Copyright (c) 2009-2012 Salvatore Sanfilippo,
 * BSD-3-Clause; see NOTICE.
 */
public final class RdbLoader {
    /** What a load found besides the keys. */
    public static final class Result {
        public int version;
        public long keysLoaded;
        public long keysExpired;
        public long emptyKeysSkipped;
        /** The aof-base AUX field was 1 (an AOF base file). */
        public boolean aofBase;
        /** The aof-preamble AUX field was 1 (an old-style AOF with an RDB preamble). */
        public boolean aofPreamble;
        /** How long the load took. */
        public double seconds;
        /** Each function library's code, in file order. */
        public final List<byte[]> libraries = new ArrayList<>();
    }

    private static final int RDB_VERSION = 10;
    private static final String MODULE_NAME_CHARSET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    private RdbLoader() {
    }

    /**
     * Loads {@code in} into {@code into}'s databases.
     *
     * @param nowMillis the time keys' expiry is compared with
     * @param dropExpired drop keys whose time has passed (loading as a master, not an AOF preamble)
     * @param size the file's size for progress lines, or -1
     */
    public static Result load(RdbInput in, Keyspace into, Config config, long nowMillis, boolean dropExpired,
                              Log log, long size) throws IOException {
        Result r = new Result();
        byte[] sig = new byte[9];
        for (int i = 0; i < 9; i++) {
            if (in.atEnd()) {
                throw in.error("Unexpected EOF reading the RDB signature");
            }
            sig[i] = (byte) in.readByte();
        }
        if (!new String(sig, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS")) {
            throw new RdbFormatException("Wrong signature trying to load DB from file", 0);
        }
        int version = atoi(sig, 5);
        if (version < 1 || version > RDB_VERSION) {
            throw new RdbFormatException("Can't handle RDB format version " + version, 5);
        }
        r.version = version;
        boolean deepSanitize = "yes".equals(setting(config, "sanitize-dump-payload")); // "clients" only for RESTORE
        Database db = into.db(0);
        long expireAt = -1;
        long idle = -1;
        long nextProgress = System.nanoTime() + PROGRESS_NANOS;
        long started = System.nanoTime();
        while (true) {
            long opOffset = in.offset();
            int type = in.readByte();
            switch (type) {
                case RdbType.OPCODE_EXPIRETIME:
                    expireAt = (long) (int) in.readLittleEndian(4) * 1000; // signed 32-bit seconds
                    continue;
                case RdbType.OPCODE_EXPIRETIME_MS:
                    expireAt = in.readMillis(); // before version 9 host order: little-endian on every Redis host
                    continue;
                case RdbType.OPCODE_FREQ:
                    in.readByte(); // an LFU counter: LFU policies are not supported, so there is nothing to keep
                    continue;
                case RdbType.OPCODE_IDLE:
                    idle = in.readLength();
                    continue;
                case RdbType.OPCODE_EOF:
                    break;
                case RdbType.OPCODE_SELECTDB: {
                    long id = in.readLength();
                    if (id >= into.count()) {
                        throw new RdbFormatException("FATAL: Data file was created with a Redis server configured to "
                                + "handle more than " + into.count() + " databases", opOffset);
                    }
                    db = into.db((int) id);
                    continue;
                }
                case RdbType.OPCODE_RESIZEDB: {
                    long keys = in.readLength();
                    long expires = in.readLength();
                    db.reserve(keys, expires);
                    continue;
                }
                case RdbType.OPCODE_AUX:
                    aux(in.readString(), in.readString(), r, log);
                    continue;
                case RdbType.OPCODE_MODULE_AUX: {
                    long moduleId = in.readLength();
                    in.readLength(); // the when opcode
                    in.readLength(); // when
                    throw new RdbFormatException("The RDB file contains AUX module data I can't load: no matching "
                            + "module '" + moduleName(moduleId) + "'", opOffset);
                }
                case RdbType.OPCODE_FUNCTION:
                    r.libraries.add(readOldFunction(in));
                    continue;
                case RdbType.OPCODE_FUNCTION2:
                    r.libraries.add(in.readString());
                    continue;
                default:
                    break;
            }
            if (type == RdbType.OPCODE_EOF) {
                break;
            }
            byte[] key = in.readString();
            Object value = RdbValues.read(in, type, config, deepSanitize);
            if (value == null) {
                r.emptyKeysSkipped++; // an empty collection: Redis skips it
            } else if (dropExpired && expireAt != -1 && expireAt < nowMillis) {
                r.keysExpired++;
            } else {
                Dict.Entry e = db.addLoaded(key, value);
                if (e == null) {
                    throw new RdbFormatException("RDB has duplicated key '" + new String(key, StandardCharsets.ISO_8859_1)
                            + "' in DB " + db.id, opOffset);
                }
                if (expireAt != -1) {
                    db.setExpire(e, expireAt);
                }
                if (idle >= 0) {
                    e.lru = lruFor(into, idle);
                }
                r.keysLoaded++;
            }
            expireAt = -1;
            idle = -1;
            if (((r.keysLoaded + r.keysExpired) & 1023) == 0 && System.nanoTime() - nextProgress >= 0 && log != null) {
                nextProgress = System.nanoTime() + PROGRESS_NANOS;
                log.notice("Loading RDB: " + (r.keysLoaded + r.keysExpired) + " keys read"
                        + (size > 0 ? String.format(java.util.Locale.ROOT, ", %.0f%% of %d bytes",
                                in.offset() * 100.0 / size, size) : "")
                        + " in " + (System.nanoTime() - started) / 1_000_000_000L + " seconds");
            }
        }
        if (version >= 5) {
            long expected = in.checksum();
            long stored = in.readLittleEndian(8);
            boolean check = !"no".equals(setting(config, "rdbchecksum"));
            if (check && stored == 0) {
                if (log != null) {
                    log.notice("RDB file was saved with checksum disabled: no check performed.");
                }
            } else if (check && stored != expected) {
                throw new RdbFormatException("Wrong RDB checksum expected: (" + Long.toHexString(expected) + ") got: ("
                        + Long.toHexString(stored) + "). RDB CRC error", in.offset() - 8);
            }
        }
        return r;
    }

    private static String setting(Config config, String name) {
        io.cinnabar.server.exec.ConfigParam p = config.find(name);
        return p == null ? null : p.get();
    }

    /** objectSetLRUOrLFU: the access clock that makes the key {@code idleSeconds} idle now. */
    private static int lruFor(Keyspace k, long idleSeconds) {
        long clock = k.lruClock();
        long lru = clock - Math.min(idleSeconds, Keyspace.LRU_CLOCK_MAX);
        if (lru < 0) {
            lru += Keyspace.LRU_CLOCK_MAX;
        }
        return (int) lru;
    }

    private static void aux(byte[] key, byte[] value, Result r, Log log) {
        String k = new String(key, StandardCharsets.ISO_8859_1);
        String v = new String(value, StandardCharsets.ISO_8859_1);
        if (k.startsWith("%")) {
            notice(log, "RDB '" + k + "': " + v);
        } else if (k.equalsIgnoreCase("redis-ver")) {
            notice(log, "Loading RDB produced by version " + v);
        } else if (k.equalsIgnoreCase("ctime")) {
            long age = System.currentTimeMillis() / 1000 - strtol(v);
            notice(log, "RDB age " + Math.max(0, age) + " seconds");
        } else if (k.equalsIgnoreCase("used-mem")) {
            notice(log, String.format(java.util.Locale.ROOT, "RDB memory usage when created %.2f Mb",
                    strtol(v) / (1024.0 * 1024)));
        } else if (k.equalsIgnoreCase("aof-preamble")) {
            r.aofPreamble = strtol(v) != 0;
            if (r.aofPreamble) {
                notice(log, "RDB has an AOF tail");
            }
        } else if (k.equalsIgnoreCase("aof-base")) {
            r.aofBase = strtol(v) != 0;
            if (r.aofBase) {
                notice(log, "RDB is base AOF");
            }
        } else if (log != null && !k.equalsIgnoreCase("lua") && !k.equalsIgnoreCase("redis-bits")
                && !k.startsWith("repl-")) {
            log.log(Log.DEBUG, "Unrecognized RDB AUX field: '" + k + "'"); // skipped, as the AUX contract says
        }
    }

    private static void notice(Log log, String message) {
        if (log != null) {
            log.notice(message);
        }
    }

    /** strtol's leading integer, 0 if none. */
    private static long strtol(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        try {
            return Long.parseLong(s.substring(start, i));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** atoi of the 4 version digits. */
    private static int atoi(byte[] b, int from) {
        int v = 0;
        int i = from;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return v;
    }

    /** The release candidates' FUNCTION record: name, engine, optional description, code; rebuilt as 7.0 does. */
    private static byte[] readOldFunction(RdbInput in) throws IOException {
        byte[] name = in.readString();
        byte[] engine = in.readString();
        if (in.readLength() != 0) {
            in.readString(); // the description: 7.0 keeps none
        }
        byte[] body = in.readString();
        byte[] head = ("#!" + new String(engine, StandardCharsets.ISO_8859_1) + " name="
                + new String(name, StandardCharsets.ISO_8859_1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] code = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, code, head.length, body.length);
        return code;
    }

    /** moduleTypeNameByID: nine characters of six bits each above the ten-bit encoding version. */
    static String moduleName(long id) {
        char[] name = new char[9];
        id >>>= 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_NAME_CHARSET.charAt((int) (id & 63));
            id >>>= 6;
        }
        return new String(name);
    }
}
