package io.cinnabar.conformance;

import io.cinnabar.server.script.EvalScripts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random commands for the differential run, reproducible from a seed. Small alphabets make commands collide on the
 * same keys; arguments mix valid values with wrong ones (bad and edge numbers, binary bytes, wrong arities).
 * Deterministic only: no RANDOMKEY, TIME, INFO, SCAN, OBJECT IDLETIME, DEBUG, CLIENT, MEMORY, SLOWLOG, and no
 * expiry shorter than an hour (relative ones are compared with a tolerance, absolute ones lie far from now).
 */
final class CommandGenerator {
    /** How a reply is compared. */
    enum Compare {
        EXACT,
        /** An array whose order is the hash table's (KEYS). */
        UNORDERED,
        /** Seconds that depend on when the command ran (TTL, EXPIRETIME of a relative expiry): within 1. */
        SECONDS,
        /** Milliseconds that depend on when the command ran: within 1500. */
        MILLIS,
        /** Not compared (HELLO: ids and versions differ); sent to keep both connections in the same mode. */
        IGNORED
    }

    record Command(byte[][] argv, Compare compare) {
    }

    private static final String[] KEYS = {"a", "b", "c", "k", "{x}", "k\u0000", ""};
    private static final String[] VALUES = {"0", "1", "-1", "10", "42", "abc", "", "hello world", "3.0", "1.5",
        "-0", "0.1", "+1", " 1", "1 ", "1e5", "0x10", "007", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "-9223372036854775809", "12345678901234567890", "1e308", "-1e308", "1e309", "inf",
        "-inf", "+inf", "nan", "5e-324", "1.7976931348623157e308", "2.5e-3", "100000000000000000000000",
        "\u0000\u00ff\r\n", "x\u0000y", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "é", "1\u0000"};
    /** Relative expiries: hours or more, or invalid. */
    private static final String[] SECONDS = {"3600", "7200", "86400", "0", "-1", "-3600", "abc", "", "1.5",
        "9223372036854775", "9223372036854776", "9223372036854775807", "-9223372036854775808",
        "92233720368547758", "100000000000"};
    private static final String[] MILLIS = {"3600000", "7200000", "86400000", "0", "-1", "-3600000", "abc",
        "9223372036854775807", "9000000000000000000", "9223372036854775", "-9223372036854775808", "3.5e6"};
    /** Absolute times: far in the past, far in the future, edges and invalid. */
    private static final String[] UNIX_SECONDS = {"1", "1000000000", "4102444800", "32503680000", "0", "-1",
        "9223372036854775", "9223372036854776", "9223372036854775807", "x"};
    private static final String[] UNIX_MILLIS = {"1", "1000000000000", "4102444800000", "32503680000000", "0",
        "-1", "9223372036854775807", "9223372036854775806", "9223372036854775000", "-9223372036854775808", "x"};
    private static final String[] PATTERNS = {"*", "a*", "?", "[a-c]", "k*", "*\u0000*", "{x}", "\\{*", "[^a]",
        "*[", "[a-"};
    private static final String[] DBS = {"0", "1", "2", "3", "15", "16", "-1", "x", "99999999999"};
    /** Small scripts; KEYS and ARGV come from the alphabets. */
    static final String[] SCRIPTS = {
        "return redis.call('GET', KEYS[1])",
        "return redis.call('SET', KEYS[1], ARGV[1])",
        "return redis.pcall('INCRBY', KEYS[1], ARGV[1])",
        "return redis.pcall('INCRBYFLOAT', KEYS[1], ARGV[1])",
        "return redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])",
        "return {redis.call('TYPE', KEYS[1]), redis.call('EXISTS', KEYS[1])}",
        "return tonumber(ARGV[1])",
        "return tostring(tonumber(ARGV[1]))",
        "return {tonumber(ARGV[1])}",
        "return redis.call('MSET', KEYS[1], ARGV[1], KEYS[2] or 'a')",
        "return redis.pcall('MSET', KEYS[1], ARGV[1], 'odd')",
        "local v = redis.call('GET', KEYS[1]) if v then return string.len(v) end return -1",
        "return cjson.encode({v = tonumber(ARGV[1]) or ARGV[1]})",
        "return redis.sha1hex(ARGV[1])",
        "error('boom')",
        "return redis.call('SET', KEYS[1], tonumber(ARGV[1]) or 0)",
        // expiries under an hour would expire at different moments on the two servers: lifted to an hour
        "local e = ARGV[1] local n = tonumber(e) if n and n > 0 and n < 3600 then e = '3600' end "
            + "return redis.pcall('SET', KEYS[1], 'v', 'EX', e)",
        "return redis.call('SETEX', KEYS[1], 0, 'v')",
        "local e = ARGV[1] local n = tonumber(e) if n and n > 0 and n < 3600 then e = '3600' end "
            + "return redis.pcall('GETEX', KEYS[1], 'EX', e)",
        "redis.setresp(3) return redis.call('GET', KEYS[1])",
        "redis.setresp(3) return redis.call('INCRBYFLOAT', KEYS[1], '1.5')",
        "return redis.call('DEL', KEYS[1])",
        "return redis.call('APPEND', KEYS[1], ARGV[1])",
        "return {1, 2.5, -3.9, 'x', false, true, nil, 'after'}",
        "return {err = ARGV[1]}",
        "return {ok = ARGV[1]}",
        "return redis.error_reply(ARGV[1])",
        "return redis.status_reply(ARGV[1])",
        "return string.format('%d %s %.3f %g', 7, ARGV[1], tonumber(ARGV[1]) or 0, tonumber(ARGV[1]) or 0)",
        "return tostring(tonumber(ARGV[1]) or 0) .. '|' .. (tonumber(ARGV[1]) or 0) * 2",
        "return redis.call(ARGV[1] == '' and 'PING' or 'ECHO', ARGV[1])",
        "return redis.pcall('RENAME', KEYS[1], KEYS[2] or 'zz')",
        "return redis.call('STRLEN', KEYS[1]) + redis.call('EXISTS', KEYS[1])",
        "return redis.call('LCS', KEYS[1], KEYS[2] or 'a')",
        "return redis.call('GETRANGE', KEYS[1], ARGV[1], -1)",
        "return redis.pcall('SETRANGE', KEYS[1], ARGV[1], 'zz')",
        "return redis.pcall('DECRBY', KEYS[1], ARGV[1])",
        "return redis.call('COPY', KEYS[1], 'copy', 'REPLACE')",
        // (every key touched first: DBSIZE also counts expired keys active expiry has not reclaimed yet)
        "redis.call('SELECT', '1') local n = redis.call('EXISTS', 'a', 'b', 'c', 'k', 'k\\0', '{x}', '') "
            + "return {n, redis.call('DBSIZE')}",
        "return redis.pcall('MOVE', KEYS[1], ARGV[1])",
        "return redis.call('OBJECT', 'ENCODING', KEYS[1])",
        "return #KEYS + #ARGV * 10",
        "return redis.pcall('NOSUCH')",
        "return redis.call('PING', ARGV[1])",
        "return cjson.decode(ARGV[1])",
        "return math.floor(tonumber(ARGV[1]) or 0)",
        "return string.rep('x', 3, ARGV[1])",
        "return {double = tonumber(ARGV[1]) or 0}",
        "redis.setresp(3) return {double = tonumber(ARGV[1]) or 0}",
        "redis.setresp(3) return {map = {[ARGV[1] or 'x'] = tonumber(ARGV[1]) or true}}",
        "redis.setresp(3) return {set = {[ARGV[1] or 'x'] = true}}",
        "redis.setresp(3) return {true, false, {big_number = ARGV[1] or '1'}}",
        "return bit.band(tonumber(ARGV[1]) or 0, 0xff) + bit.bor(tonumber(ARGV[1]) or 0, 1)",
        "return bit.tohex(tonumber(ARGV[1]) or 0)",
        "return struct.pack('>i', tonumber(ARGV[1]) or 0)",
        "return cmsgpack.pack(tonumber(ARGV[1]) or ARGV[1])",
        "return cmsgpack.unpack(ARGV[1])",
        "return string.upper(ARGV[1]) .. string.lower(ARGV[1])",
        "return {string.byte(ARGV[1], 1, -1)}",
        "return string.sub(ARGV[1], tonumber(ARGV[2]) or 2)",
        "return #ARGV[1]",
        "return tostring((tonumber(ARGV[1]) or 1) / 3)",
        "return redis.pcall('INCRBYFLOAT', KEYS[1], tonumber(ARGV[1]) or 1)",
        "return tostring(2^63) .. tostring(-2^53) .. tostring(1e15) .. tostring(0.1) .. tostring(1/3)",
        // (math.abs: fmod of a negative multiple of 3 is -0, which luaj cannot hold; see the -0 note below)
        "return tostring(math.fmod(math.abs(tonumber(ARGV[1]) or 1), 3))",
        "return string.format('%5.2f|%-5d|%x', tonumber(ARGV[1]) or 0, tonumber(ARGV[1]) or 0, tonumber(ARGV[1]) or 0)",
        // Known difference, excluded: luaj's pattern classes %a %l %u %w count Latin-1 letters (bytes 0xC0-0xFF...)
        // as letters where C's isalpha in the C locale does not; explicit ranges compare bytes alike
        "local t = {} for w in string.gmatch(ARGV[1], '[A-Za-z]+') do t[#t + 1] = w end return t",
        "return tonumber(ARGV[1], 16)",
        "return redis.pcall('GETEX', KEYS[1], 'PERSIST')",
        "return redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL', 'GET')",
        "return {pcall(redis.call, 'INCR', KEYS[1])}",
        "local ok, e = pcall(redis.call, 'INCR', KEYS[1]) return e",
        "return redis.call('TYPE', KEYS[1]).ok",
        "return redis.pcall('EXPIRE', KEYS[1], (tonumber(ARGV[1]) or 0) + 3600)",
        "return redis.pcall('SETRANGE', KEYS[1], tonumber(ARGV[1]) or 0, 'ab')",
        "return redis.pcall('GETRANGE', KEYS[1], tonumber(ARGV[1]) or 0, -1)",
        "return string.find(ARGV[1], 'a', 1, true)",
        "return {string.find(ARGV[1], '(%d+)')}",
        "return (string.gsub(ARGV[1], '%s', '_'))",
        "return table.concat({ARGV[1], ARGV[2] or '', 'z'}, ',')",
        "return math.max(tonumber(ARGV[1]) or 0, 1.5) * 2",
        "return {math.huge, -math.huge, math.pi}",
        "return tostring(tonumber(ARGV[1]) or 0 % 7)",
        "return redis.call('ECHO', tostring(tonumber(ARGV[1])))",
        "return redis.pcall('SET', KEYS[1], ARGV[1], 'PXAT', tonumber(ARGV[1]) or 1)",
        "return type(redis.call('GET', KEYS[1]))",
        "return {string.byte(ARGV[1], tonumber(ARGV[2]) or -1, 3)}",
        "return string.char(tonumber(ARGV[1]) or 65, 66)",
        // (a count of at most 5: string.rep of 1e11 copies makes Redis allocate until it runs out)
        "return string.rep(ARGV[1], math.min(tonumber(ARGV[2]) or 2, 5))",
        "return string.reverse(ARGV[1]) .. string.len(ARGV[1])",
        "return {math.floor(tonumber(ARGV[1]) or 0), math.ceil(tonumber(ARGV[1]) or 0), math.abs(tonumber(ARGV[1]) or 0)}",
        "return tostring(math.floor(tonumber(ARGV[1]) or 0)) .. ' ' .. tostring(math.sqrt(tonumber(ARGV[1]) or 0))",
        "return {bit.lshift(1, tonumber(ARGV[1]) or 40), bit.tobit(tonumber(ARGV[1]) or 0), bit.bnot(tonumber(ARGV[1]) or 0)}",
        "return bit.tohex(tonumber(ARGV[1]) or 0, tonumber(ARGV[2]) or 8)",
        // (no table with nil holes: # and unpack on them differ from Lua 5.1, a known difference in README)
        "return select('#', 1, nil, 3, nil)",
        "return {unpack({1, 2, 3}, tonumber(ARGV[1]) or 1, 3)}",
        "return tostring(nil) .. tostring(true) .. tostring(12) .. tostring(-0.5)",
        "return {3.99, -3.99, 2^53, 2^63, -2^63, 1e300, 0.5}",
        "return string.format('%q', ARGV[1])",
        "return string.format('%-10s|%10.3s|%.0f|%e|%g', ARGV[1], ARGV[1], tonumber(ARGV[1]) or 0.5, "
            + "tonumber(ARGV[1]) or 0, tonumber(ARGV[1]) or 1e20)",
        "return {string.find(ARGV[1], ARGV[2] or 'a', tonumber(ARGV[3]) or 1, true)}",
        "return string.gsub(ARGV[1], '(%d)', '<%1>')",
        "return {string.match(ARGV[1], '^(%-?%d+)%.?(%d*)$')}",
        "return redis.call('INCRBYFLOAT', KEYS[1], '0.1') .. redis.call('INCRBYFLOAT', KEYS[1], '0.2')",
        "return redis.pcall('SET', KEYS[1], 'x', 'GET', 'EXAT', tonumber(ARGV[1]) or 4102444800)",
        "return redis.call('SCRIPT', 'EXISTS', 'x')",
        "return redis.pcall('EVAL', 'return 1', 0)",
        "return redis.setresp(2)",
        "return redis.setresp(tonumber(ARGV[1]) or 4)",
        "return cjson.encode({1, 'a', true, cjson.null, {x = 1.5}})",
        "return cjson.encode(tonumber(ARGV[1]) or ARGV[1])",
        "return cjson.decode('[1, 2.5, \"x\", null, true, {\"k\": [1e3]}]')",
        "return cjson.encode({(tonumber(ARGV[1]) or 0) / 7, 1e15, 2^53, 0.1, -1.5e-7})",
        "return cjson.encode({ARGV[1]})",
        "return cmsgpack.unpack(cmsgpack.pack({1, -1, 2^31, -2^31, 2^40, 0.5, ARGV[1] or 'x', true}))",
        "return {cmsgpack.pack(tonumber(ARGV[1]) or 0)}",
        "return struct.unpack('>I2', ARGV[1] .. 'zz')",
        "return tostring(1e100) .. ' ' .. tostring(123456789012345678) .. ' ' .. tostring(-1e-5)",
        "return redis.call('GET', KEYS[1]) == false and 'missing' or 'present'",
        "local n = 0 for i = 1, (tonumber(ARGV[1]) or 3) % 50 do n = n + i end return n",
        "return redis.pcall('SET', KEYS[1], ARGV[1], ARGV[2] or 'NX')",
        "return redis.pcall('LCS', KEYS[1], KEYS[2] or 'a', 'IDX', 'MINMATCHLEN', ARGV[1] or '1', 'WITHMATCHLEN')",
    };
    private static final String[] SCRIPT_SHAS = new String[SCRIPTS.length];

    static {
        for (int i = 0; i < SCRIPTS.length; i++) {
            SCRIPT_SHAS[i] = EvalScripts.sha1hex(SCRIPTS[i].getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Random random;

    CommandGenerator(long seed) {
        this.random = new Random(seed);
        // Hashes stay listpacks on both servers (a float result can be hundreds of bytes long): a hash table lists
        // and scans in its hash function's order, which differs between the two.
        pending.add(new Command(new byte[][] {b("CONFIG"), b("SET"), b("hash-max-listpack-value"), b("100000")},
                Compare.EXACT));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }

    private String key() {
        return pick(KEYS);
    }

    private String value() {
        if (random.nextInt(30) == 0) {
            byte[] b = new byte[random.nextInt(6)];
            random.nextBytes(b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        return pick(VALUES);
    }

    private static final String[] FIELDS = {"f", "g", "h", "1", "", "F\u0000", "-2"};

    private String field() {
        return pick(FIELDS);
    }

    private static final String[] SCORES = {"0", "1", "-1", "2.5", "inf", "-inf", "+inf", "(1", "(-inf", "1e308",
        "abc", "nan", "-0", "0x10", " 1", "3"};
    private static final String[] LEX = {"-", "+", "[a", "(f", "[g", "(", "a", "[", "[F\u0000"};

    private String score() {
        return pick(SCORES);
    }

    private String lex() {
        return pick(LEX);
    }

    /** A number-ish argument: mostly values, sometimes a small integer. */
    private String number() {
        return random.nextInt(3) == 0 ? Integer.toString(random.nextInt(21) - 10) : value();
    }

    private final java.util.ArrayDeque<Command> pending = new java.util.ArrayDeque<>();

    Command next() {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        List<String> a = new ArrayList<>();
        Compare compare = Compare.EXACT;
        int r = random.nextInt(100);
        switch (random.nextInt(101)) {
            case 0 -> add(a, "GET", key());
            case 1 -> setCommand(a);
            case 2 -> add(a, "SETNX", key(), value());
            case 3 -> add(a, "SETEX", key(), pick(SECONDS), value());
            case 4 -> add(a, "PSETEX", key(), pick(MILLIS), value());
            case 5 -> add(a, "GETSET", key(), value());
            case 6 -> add(a, "GETDEL", key());
            case 7 -> getexCommand(a);
            case 8 -> {
                a.add("MGET");
                for (int i = random.nextInt(5); i >= 0; i--) {
                    a.add(key());
                }
            }
            case 9, 10 -> {
                a.add(r < 50 ? "MSET" : "MSETNX");
                for (int i = random.nextInt(3); i >= 0; i--) {
                    a.add(key());
                    a.add(value());
                }
            }
            case 11 -> add(a, "APPEND", key(), value());
            case 12 -> add(a, "STRLEN", key());
            case 13 -> add(a, r < 50 ? "INCR" : "DECR", key());
            case 14 -> add(a, r < 50 ? "INCRBY" : "DECRBY", key(), number());
            case 15 -> add(a, "INCRBYFLOAT", key(), number());
            case 16 -> add(a, r < 80 ? "GETRANGE" : "SUBSTR", key(), number(), number());
            case 17 -> add(a, "SETRANGE", key(), pick(new String[] {"0", "1", "3", "10", "-1", "abc",
                "536870912", "9223372036854775807"}), r < 10 ? "" : value());
            case 18 -> lcsCommand(a);
            case 19 -> {
                a.add(r < 50 ? "DEL" : "UNLINK");
                for (int i = random.nextInt(3); i >= 0; i--) {
                    a.add(key());
                }
            }
            case 20 -> {
                a.add(r < 50 ? "EXISTS" : "TOUCH");
                for (int i = random.nextInt(3); i >= 0; i--) {
                    a.add(key());
                }
            }
            case 21 -> add(a, "TYPE", key());
            case 22 -> add(a, r < 50 ? "RENAME" : "RENAMENX", key(), key());
            case 23 -> {
                add(a, "COPY", key(), key());
                if (random.nextBoolean()) {
                    add(a, "DB", pick(DBS));
                }
                if (random.nextBoolean()) {
                    a.add("REPLACE");
                }
            }
            case 24 -> add(a, "MOVE", key(), pick(DBS));
            case 25 -> {
                add(a, "KEYS", pick(PATTERNS));
                compare = Compare.UNORDERED;
            }
            case 26, 27 -> expireCommand(a, r);
            case 28 -> {
                add(a, pick(new String[] {"TTL", "EXPIRETIME"}), key());
                compare = Compare.SECONDS;
            }
            case 29 -> {
                add(a, pick(new String[] {"PTTL", "PEXPIRETIME"}), key());
                compare = Compare.MILLIS;
            }
            case 30 -> add(a, "PERSIST", key());
            // Known difference, excluded: no OBJECT REFCOUNT. COPY of a shared integer (0..9999) gives Redis a
            // private object (refcount 1); Cinnabar copies the shared Long and answers 2147483647, and a distinct
            // Long for 0..127 needs the deprecated-for-removal Long constructor or a new value type
            case 31 -> add(a, "OBJECT", pick(new String[] {"ENCODING", "FREQ", "ENCODING"}), key());
            case 32 -> {
                // DBSIZE counts keys that expired but were not reclaimed yet, and active expiry runs on its own
                // clock on each server: touch every key first so expired ones are gone on both
                pending.add(new Command(new byte[][] {"DBSIZE".getBytes(StandardCharsets.US_ASCII)}, Compare.EXACT));
                a.add("EXISTS");
                a.addAll(List.of(KEYS));
            }
            case 33 -> add(a, "SELECT", pick(DBS));
            case 34 -> add(a, "SWAPDB", pick(DBS), pick(DBS));
            case 35 -> {
                if (r < 3) {
                    add(a, r < 2 ? "FLUSHDB" : "FLUSHALL");
                    if (random.nextBoolean()) {
                        a.add(random.nextBoolean() ? "ASYNC" : "SYNC");
                    }
                } else {
                    add(a, "ECHO", value());
                }
            }
            case 36 -> {
                a.add("PING");
                if (random.nextBoolean()) {
                    a.add(value());
                }
            }
            case 37, 38, 39, 40, 41, 42 -> evalCommand(a, r);
            case 43 -> {
                add(a, "SCRIPT", r < 50 ? "EXISTS" : "LOAD");
                if (r < 50) {
                    a.add(SCRIPT_SHAS[random.nextInt(SCRIPT_SHAS.length)]);
                    a.add("0000000000000000000000000000000000000000");
                } else {
                    a.add(SCRIPTS[random.nextInt(SCRIPTS.length)]);
                }
            }
            case 44 -> {
                if (r < 5) {
                    // switch protocol; HELLO's own reply carries ids and versions and is not compared
                    add(a, "HELLO", r < 2 ? "2" : "3");
                    compare = Compare.IGNORED;
                } else {
                    add(a, "GET", key());
                }
            }
            case 45 -> {
                // wrong arities, unknown commands and names in odd case
                // (no EVAL: a body that does not compile gets luaj's wording, a known difference listed in README; no
                // EXPIRE/TTL/GETEX: their random arguments could set expiries of seconds)
                String[] names = {"get", "SeT", "incr", "mset", "persist", "strlen", "copy", "type", "lcs",
                    "object", "nosuch", "select", "rename", "ping", "echo"};
                a.add(pick(names));
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(random.nextBoolean() ? key() : value());
                }
            }
            case 46 -> add(a, "SET", key(), value(), pick(new String[] {"NX", "XX", "GET", "KEEPTTL", "nx", "gEt"}),
                    pick(new String[] {"XX", "NX", "GET", "KEEPTTL", "PERSIST", "EX"}));
            case 47 -> add(a, "INCRBY", key(), pick(new String[] {"9223372036854775807", "-9223372036854775808",
                "1", "-1", "0"}));
            case 48 -> add(a, "SET", key(), pick(new String[] {"9223372036854775806", "-9223372036854775807",
                "10", "-10", "1.5", "1e3", "0"}));
            case 49 -> add(a, "INCRBYFLOAT", key(), pick(new String[] {"1e308", "-1e308", "0.1", "1e-20",
                "5e-324", "1.7976931348623157e308", "3", "-0", "0x1p3"}));
            case 50 -> {
                if (r < 10) {
                    add(a, "SCRIPT", "FLUSH");
                    if (r < 5) {
                        a.add(r < 3 ? "SYNC" : "ASYNC");
                    }
                } else if (r < 40) {
                    add(a, "APPEND", key(), value() + value() + value());
                } else {
                    add(a, "OBJECT", pick(new String[] {"HELP", "encoding", "NOPE"}));
                }
            }
            // hashes, over the same keys so that WRONGTYPE meets both types (fields and values stay short, so the
            // hashes stay listpacks, whose order both servers keep alike)
            case 52, 53 -> {
                add(a, r < 80 ? "HSET" : "HMSET", key());
                for (int i = random.nextInt(4); i >= 0; i--) {
                    add(a, field(), value());
                }
                if (r % 17 == 0) {
                    a.add(field()); // an odd count
                }
            }
            case 54 -> add(a, "HSETNX", key(), field(), value());
            case 55 -> add(a, pick(new String[] {"HGET", "HEXISTS", "HSTRLEN"}), key(), field());
            case 56 -> add(a, "HMGET", key(), field(), field());
            case 57 -> {
                add(a, "HDEL", key());
                for (int i = random.nextInt(3); i >= 0; i--) {
                    a.add(field());
                }
            }
            case 58 -> add(a, pick(new String[] {"HLEN", "HKEYS", "HVALS", "HGETALL"}), key());
            case 59 -> add(a, "HINCRBY", key(), field(), r < 70 ? Integer.toString(random.nextInt(21) - 10)
                    : pick(new String[] {"9223372036854775807", "-9223372036854775808", "abc", "1.5", ""}));
            case 60 -> add(a, "HINCRBYFLOAT", key(), field(), r < 60 ? number()
                    : pick(new String[] {"1e308", "-1e308", "0.1", "inf", "nan", "5e-324", "1e3", "-0"}));
            case 61 -> {
                // only HRANDFIELD's deterministic forms: no count, 0, or more than the hash holds (all of it, in order)
                add(a, "HRANDFIELD", key());
                if (r < 70) {
                    a.add(pick(new String[] {"0", "100", "abc", "9223372036854775807"}));
                    if (r < 30) {
                        a.add(pick(new String[] {"WITHVALUES", "withvalues", "NOPE"}));
                    }
                }
                if (r >= 70) {
                    compare = Compare.IGNORED; // no count: one random field of several
                }
            }
            case 62 -> {
                add(a, "HSCAN", key(), pick(new String[] {"0", "0", "abc", "-1"}));
                if (r < 40) {
                    add(a, "MATCH", pick(PATTERNS));
                }
                if (r < 20) {
                    add(a, "COUNT", pick(new String[] {"1", "0", "abc", "100"}));
                }
            }
            case 63 -> add(a, pick(new String[] {"TYPE", "OBJECT"}), key());
            // lists: every list command is deterministic
            case 64, 65 -> {
                add(a, pick(new String[] {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}), key());
                for (int i = random.nextInt(3); i >= 0; i--) {
                    a.add(random.nextBoolean() ? field() : value());
                }
            }
            case 66 -> {
                add(a, pick(new String[] {"LPOP", "RPOP"}), key());
                if (r < 40) {
                    a.add(pick(new String[] {"0", "1", "3", "-1", "abc", "100"}));
                }
            }
            case 67 -> add(a, "LRANGE", key(), number(), number());
            case 68 -> add(a, pick(new String[] {"LINDEX", "LLEN"}), key(), number());
            case 69 -> add(a, "LSET", key(), number(), value());
            case 70 -> add(a, "LINSERT", key(), pick(new String[] {"BEFORE", "after", "middle"}), field(), value());
            case 71 -> add(a, r < 50 ? "LREM" : "LTRIM", key(), number(), r < 50 ? field() : number());
            case 72 -> {
                add(a, "LPOS", key(), field());
                if (r < 60) {
                    add(a, pick(new String[] {"RANK", "COUNT", "MAXLEN", "rank"}), number());
                }
            }
            case 73 -> {
                if (r < 50) {
                    add(a, "LMOVE", key(), key(), pick(new String[] {"LEFT", "RIGHT", "UP"}),
                            pick(new String[] {"LEFT", "RIGHT"}));
                } else if (r < 80) {
                    add(a, "RPOPLPUSH", key(), key());
                } else {
                    // blocking forms with a short timeout: served at once, or both servers time out
                    add(a, r < 90 ? "BLPOP" : "BRPOP", key(), key(), pick(new String[] {"0.01", "abc", "-1"}));
                }
            }
            // sets: members in a table come back in the hash function's order (compared unordered), and only
            // deterministic pops (all of a set)
            case 74, 75 -> {
                add(a, r < 70 ? "SADD" : "SREM", key());
                for (int i = random.nextInt(3); i >= 0; i--) {
                    a.add(r % 2 == 0 ? Integer.toString(random.nextInt(30) - 5) : field());
                }
            }
            case 76 -> add(a, pick(new String[] {"SCARD", "SISMEMBER", "SMISMEMBER"}), key(), field(), field());
            case 77 -> {
                add(a, pick(new String[] {"SMEMBERS", "SINTER", "SUNION", "SDIFF"}), key());
                if (r < 60 && !a.get(0).equals("SMEMBERS")) {
                    a.add(key());
                }
                compare = Compare.UNORDERED;
            }
            case 78 -> {
                add(a, pick(new String[] {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}), key(), key(), key());
            }
            case 79 -> {
                if (r < 50) {
                    add(a, "SMOVE", key(), key(), field());
                } else {
                    add(a, "SPOP", key(), "100"); // all of it
                    compare = Compare.UNORDERED;
                }
            }
            // sorted sets, kept listpacks on both servers (few members), whose order both keep alike
            case 80, 81 -> {
                add(a, "ZADD", key());
                if (r < 30) {
                    a.add(pick(new String[] {"NX", "XX", "GT", "LT", "CH", "INCR", "nx"}));
                }
                for (int i = random.nextInt(3); i >= 0; i--) {
                    add(a, score(), field());
                }
            }
            case 82 -> add(a, "ZINCRBY", key(), score(), field());
            case 83 -> add(a, pick(new String[] {"ZREM", "ZSCORE", "ZRANK", "ZREVRANK"}), key(), field());
            case 84 -> add(a, pick(new String[] {"ZCARD", "ZMSCORE"}), key(), field());
            case 85 -> {
                add(a, "ZRANGE", key(), r < 50 ? number() : score(), r < 50 ? number() : score());
                if (r % 3 == 0) {
                    a.add(pick(new String[] {"BYSCORE", "REV", "WITHSCORES"}));
                }
            }
            case 86 -> add(a, pick(new String[] {"ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZCOUNT"}), key(), score(),
                    score());
            case 87 -> add(a, pick(new String[] {"ZRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"}), key(), lex(), lex());
            case 88 -> add(a, pick(new String[] {"ZPOPMIN", "ZPOPMAX"}), key(),
                    pick(new String[] {"1", "2", "0", "-1", "abc"}));
            case 89 -> add(a, pick(new String[] {"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}), key(), "2", key(),
                    key());
            case 90, 91 -> sortCommand(a);
            // LMPOP and BLMPOP; the blocking form with a short timeout: served at once, or both servers time out
            case 95 -> mpopCommand(a, r < 40 ? "BLMPOP" : "LMPOP", new String[] {"LEFT", "RIGHT", "left"});
            case 96 -> {
                if (r < 25) {
                    add(a, r < 12 ? "BZPOPMIN" : "BZPOPMAX", key(), key(), pick(new String[] {"0.01", "abc", "-1"}));
                } else {
                    mpopCommand(a, r < 60 ? "BZMPOP" : "ZMPOP", new String[] {"MIN", "MAX", "max"});
                }
            }
            case 97 -> {
                if (inTransaction) {
                    add(a, "EXISTS", key());
                } else {
                    transaction(a);
                }
            }
            // streams: explicit IDs only (generated ones come from each server's clock), and no reply that shows
            // an idle or delivery time (XPENDING's extended form and XINFO CONSUMERS are sent, not compared)
            case 92, 93 -> xaddCommand(a, r);
            case 94 -> streamRangeCommand(a, r);
            case 98 -> xgroupCommand(a, r);
            case 99 -> compare = xreadCommand(a, r);
            case 100 -> compare = streamGroupCommand(a, r);
            default -> add(a, "EXISTS", key(), key(), key());
        }
        byte[][] argv = new byte[a.size()][];
        for (int i = 0; i < argv.length; i++) {
            argv[i] = a.get(i).getBytes(StandardCharsets.ISO_8859_1);
        }
        return new Command(argv, compare);
    }

    private boolean inTransaction;

    /**
     * MULTI (after a WATCH sometimes), one to four generated commands whose replies compare exactly (they come back
     * inside EXEC's array), then EXEC, or DISCARD now and then. Both servers queue, refuse and run alike.
     */
    private void transaction(List<String> first) {
        List<Command> body = new ArrayList<>();
        inTransaction = true;
        try {
            int n = 1 + random.nextInt(4);
            while (body.size() < n) {
                Command c = next();
                if (c.compare() == Compare.EXACT) {
                    body.add(c);
                }
                while (!pending.isEmpty()) {
                    Command more = pending.poll();
                    if (more.compare() == Compare.EXACT) {
                        body.add(more);
                    }
                }
            }
        } finally {
            inTransaction = false;
        }
        if (random.nextInt(3) == 0) {
            add(first, "WATCH", key());
            pending.add(command("MULTI"));
        } else {
            add(first, "MULTI");
        }
        pending.addAll(body);
        pending.add(command(random.nextInt(6) == 0 ? "DISCARD" : "EXEC"));
    }

    private static Command command(String... words) {
        byte[][] argv = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            argv[i] = words[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new Command(argv, Compare.EXACT);
    }

    /** The milliseconds of the IDs XADD gives next: moves forward (and sometimes stays) as entries are added. */
    private long streamMs = 1;

    private static final String[] STREAM_FIELDS = {"f", "g", "name", "1", "-5", "F\u0000"};
    private static final String[] GROUPS = {"g", "h", "G\u0000"};
    private static final String[] CONSUMERS = {"c1", "c2", "c\u0000", ""};

    /** Mostly keys only stream commands use, so streams grow and groups deliver; sometimes the shared ones. */
    private String streamKey() {
        return random.nextInt(10) < 7 ? pick(new String[] {"s1", "s2"}) : key();
    }

    /** An ID argument: mostly around the ones added, sometimes special or invalid. */
    private String streamId() {
        int r = random.nextInt(20);
        if (r == 0) {
            return pick(new String[] {"-", "+", "0", "0-0", "18446744073709551615-18446744073709551615", "bad", "1-x",
                "-1", "$", ">", "(1", " 5", "18446744073709551616"});
        }
        long ms = Math.max(0, streamMs - random.nextInt(6));
        return r < 8 ? Long.toString(ms) : ms + "-" + random.nextInt(3);
    }

    private String rangeId() {
        String id = streamId();
        return random.nextInt(6) == 0 ? "(" + id : id;
    }

    private void xaddCommand(List<String> a, int r) {
        add(a, "XADD", streamKey());
        if (r < 10) {
            a.add("NOMKSTREAM");
        }
        if (r % 5 == 0) {
            add(a, pick(new String[] {"MAXLEN", "MINID", "maxlen"}));
            if (random.nextBoolean()) {
                a.add(pick(new String[] {"~", "=", "~"}));
            }
            a.add(a.get(a.size() - 1).equalsIgnoreCase("minid") || a.get(a.size() - 2).equalsIgnoreCase("minid")
                    ? streamId() : pick(new String[] {"0", "1", "3", "10", "-1", "abc", "200"}));
            if (r % 10 == 0) {
                add(a, "LIMIT", pick(new String[] {"0", "1", "5", "-1", "x"}));
            }
        }
        streamMs += random.nextInt(3);
        int form = random.nextInt(10);
        a.add(form < 4 ? streamMs + "-*" : form < 7 ? streamMs + "-" + random.nextInt(4)
                : form < 9 ? Long.toString(streamMs) : streamId());
        for (int i = random.nextInt(3); i >= 0; i--) {
            add(a, pick(STREAM_FIELDS), random.nextInt(4) == 0 ? field() : value());
        }
        if (r % 23 == 0) {
            a.add(field()); // an odd count
        }
    }

    private void streamRangeCommand(List<String> a, int r) {
        if (r < 40) {
            add(a, r < 25 ? "XRANGE" : "XREVRANGE", streamKey(), rangeId(), rangeId());
            if (r % 3 == 0) {
                add(a, "COUNT", pick(new String[] {"1", "2", "0", "-1", "x", "100"}));
            }
        } else if (r < 55) {
            add(a, "XDEL", streamKey());
            for (int i = random.nextInt(3); i >= 0; i--) {
                a.add(streamId());
            }
        } else if (r < 70) {
            add(a, "XTRIM", streamKey(), pick(new String[] {"MAXLEN", "MINID", "LIMIT"}));
            if (random.nextBoolean()) {
                a.add(pick(new String[] {"~", "="}));
            }
            a.add(a.contains("MINID") ? streamId() : pick(new String[] {"0", "1", "2", "5", "-1", "x"}));
            if (r % 4 == 0) {
                add(a, "LIMIT", pick(new String[] {"0", "1", "10", "-1"}));
            }
        } else if (r < 80) {
            add(a, pick(new String[] {"XLEN", "TYPE", "OBJECT"}), streamKey());
        } else if (r < 90) {
            add(a, "XINFO", "STREAM", streamKey()); // (FULL shows delivery and seen times: in the scenario only)
        } else {
            add(a, "XSETID", streamKey(), streamId());
            if (r % 2 == 0) {
                add(a, pick(new String[] {"ENTRIESADDED", "MAXDELETEDID"}), r % 4 == 0 ? streamId()
                        : pick(new String[] {"0", "5", "100", "-1"}));
            }
        }
    }

    private void xgroupCommand(List<String> a, int r) {
        if (r < 40) {
            add(a, "XGROUP", "CREATE", streamKey(), pick(GROUPS), random.nextInt(3) == 0 ? "$" : streamId());
            if (r % 2 == 0) {
                a.add("MKSTREAM");
            }
            if (r % 5 == 0) {
                add(a, "ENTRIESREAD", pick(new String[] {"0", "3", "-1", "-2", "x"}));
            }
        } else if (r < 60) {
            add(a, "XGROUP", "SETID", streamKey(), pick(GROUPS), random.nextInt(3) == 0 ? "$" : streamId());
            if (r % 3 == 0) {
                add(a, "ENTRIESREAD", pick(new String[] {"0", "2", "-1"}));
            }
        } else if (r < 70) {
            add(a, "XGROUP", "DESTROY", streamKey(), pick(GROUPS));
        } else if (r < 85) {
            add(a, "XGROUP", r < 78 ? "CREATECONSUMER" : "DELCONSUMER", streamKey(), pick(GROUPS), pick(CONSUMERS));
        } else {
            add(a, "XINFO", "GROUPS", streamKey());
        }
    }

    private Compare xreadCommand(List<String> a, int r) {
        boolean group = r < 60;
        a.add(group ? "XREADGROUP" : "XREAD");
        if (group) {
            add(a, "GROUP", pick(GROUPS), pick(CONSUMERS));
        }
        if (r % 3 == 0) {
            add(a, "COUNT", pick(new String[] {"1", "2", "0", "-1"}));
        }
        if (r % 7 == 0) {
            add(a, "BLOCK", pick(new String[] {"10", "-1", "x"})); // served at once, or both servers time out
        }
        if (group && r % 5 == 0) {
            a.add("NOACK");
        }
        int keys = random.nextInt(2) + 1;
        a.add("STREAMS");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            a.add(streamKey());
            ids.add(group ? (random.nextInt(3) > 0 ? ">" : streamId()) : (random.nextInt(4) == 0 ? "$" : streamId()));
        }
        a.addAll(ids);
        return Compare.EXACT;
    }

    private Compare streamGroupCommand(List<String> a, int r) {
        if (r < 25) {
            add(a, "XACK", streamKey(), pick(GROUPS));
            for (int i = random.nextInt(3); i >= 0; i--) {
                a.add(streamId());
            }
        } else if (r < 45) {
            add(a, "XCLAIM", streamKey(), pick(GROUPS), pick(CONSUMERS), pick(new String[] {"0", "3600000", "-1", "x"}));
            for (int i = random.nextInt(2); i >= 0; i--) {
                a.add(streamId());
            }
            if (random.nextBoolean()) {
                a.add("JUSTID");
            }
            if (r % 3 == 0) {
                a.add(pick(new String[] {"FORCE", "RETRYCOUNT", "LASTID"}));
                if (!a.get(a.size() - 1).equals("FORCE")) {
                    a.add(a.get(a.size() - 1).equals("LASTID") ? streamId() : "3");
                }
            }
        } else if (r < 65) {
            add(a, "XAUTOCLAIM", streamKey(), pick(GROUPS), pick(CONSUMERS), pick(new String[] {"0", "3600000", "x"}),
                    rangeId());
            if (r % 2 == 0) {
                add(a, "COUNT", pick(new String[] {"1", "2", "0", "100"}));
            }
            if (r % 3 == 0) {
                a.add("JUSTID");
            }
        } else if (r < 85) {
            add(a, "XPENDING", streamKey(), pick(GROUPS));
            if (r % 2 == 0) {
                add(a, rangeId(), rangeId(), pick(new String[] {"1", "10", "0", "x"}));
                if (r % 4 == 0) {
                    a.add(pick(CONSUMERS));
                }
                return Compare.IGNORED; // idle times
            }
        } else {
            add(a, "XINFO", "CONSUMERS", streamKey(), pick(GROUPS));
            return Compare.IGNORED; // idle times
        }
        return Compare.EXACT;
    }

    private static void add(List<String> a, String... words) {
        a.addAll(List.of(words));
    }

    private static final String[] SORT_BY = {"k*", "*", "*->f", "{x}*", "a*->g", "*->-2", "*\u0000k"};
    private static final String[] SORT_GET = {"#", "k*", "*->f", "*->g", "nosuch", "*", "{x}*->1", "#\u0000"};

    /**
     * SORT and SORT_RO in the forms whose reply does not depend on a set's hash table order: sorted by the elements
     * (ties are broken by the element, and no two set members here compare equal) or BY a pattern numerically.
     * BY a pattern with ALPHA (missing keys tie) and BY nosort (a set unsorted) come unordered, without LIMIT or
     * STORE; BY nosort with STORE sorts a set ALPHA. Each comes after a ZADD XX on no key, which clears errno:
     * Redis's SORT reads numbers with strtod without clearing it, so an earlier ERANGE (a script's tonumber of
     * "5e-324", another SORT) would make a numeric SORT fail there where Cinnabar's does not.
     */
    private void sortCommand(List<String> reset) {
        add(reset, "ZADD", "sort-errno-reset", "XX", "1", "m");
        List<String> a = new ArrayList<>();
        boolean store = random.nextInt(5) == 0;
        add(a, store || random.nextInt(4) != 0 ? "SORT" : "SORT_RO", key());
        int by = random.nextInt(10); // 0-5 none, 6-7 nosort, 8-9 a pattern
        boolean alpha = random.nextBoolean();
        boolean unordered = (by >= 8 && alpha) || (by == 6 || by == 7) && !store;
        if (unordered) {
            store = false;
        }
        if (by == 6 || by == 7) {
            add(a, "BY", random.nextBoolean() ? "nosort" : "x");
        } else if (by >= 8) {
            add(a, "BY", pick(SORT_BY));
        }
        if (!unordered && random.nextInt(3) == 0) {
            add(a, "LIMIT", pick(new String[] {"0", "1", "2", "-1", "5", "x"}),
                    pick(new String[] {"0", "1", "3", "-1", "10", "y"}));
        }
        for (int i = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0; i > 0; i--) {
            add(a, "GET", pick(SORT_GET));
        }
        if (alpha) {
            a.add(random.nextBoolean() ? "ALPHA" : "alpha");
        }
        if (random.nextInt(3) == 0) {
            a.add(pick(new String[] {"DESC", "ASC", "desc"}));
        }
        if (store) {
            add(a, "STORE", key());
        }
        if (random.nextInt(30) == 0) {
            a.add(pick(new String[] {"BOGUS", "LIMIT", "GET", "BY"}));
        }
        byte[][] argv = new byte[a.size()][];
        for (int i = 0; i < argv.length; i++) {
            argv[i] = b(a.get(i));
        }
        pending.add(new Command(argv, unordered ? Compare.UNORDERED : Compare.EXACT));
    }

    private void setCommand(List<String> a) {
        add(a, "SET", key(), value());
        int options = random.nextInt(4);
        for (int i = 0; i < options; i++) {
            switch (random.nextInt(9)) {
                case 0 -> add(a, "EX", pick(SECONDS));
                case 1 -> add(a, "PX", pick(MILLIS));
                case 2 -> add(a, "EXAT", pick(UNIX_SECONDS));
                case 3 -> add(a, "PXAT", pick(UNIX_MILLIS));
                case 4 -> a.add("NX");
                case 5 -> a.add("XX");
                case 6 -> a.add("GET");
                case 7 -> a.add("KEEPTTL");
                default -> a.add(random.nextBoolean() ? "EX" : "BOGUS");
            }
        }
    }

    /** LMPOP, BLMPOP, ZMPOP, BZMPOP: [timeout] numkeys key... side [COUNT n], now and then malformed. */
    private void mpopCommand(List<String> a, String name, String[] sides) {
        a.add(name);
        if (name.startsWith("B")) {
            a.add(random.nextInt(10) == 0 ? pick(new String[] {"abc", "-1", "inf"}) : "0.01");
        }
        int keys = 1 + random.nextInt(3);
        a.add(random.nextInt(25) == 0 ? pick(new String[] {"0", "-1", "x", "9"}) : Integer.toString(keys));
        for (int i = 0; i < keys; i++) {
            a.add(key());
        }
        a.add(random.nextInt(10) == 0 ? "UP" : pick(sides));
        if (random.nextInt(3) == 0) {
            add(a, pick(new String[] {"COUNT", "count", "COUNT"}), random.nextInt(8) == 0
                    ? pick(new String[] {"0", "-1", "x"}) : pick(new String[] {"1", "2", "5", "100"}));
        }
        if (random.nextInt(40) == 0) {
            a.add(pick(new String[] {"COUNT", "BOGUS"}));
        }
    }

    private void getexCommand(List<String> a) {
        add(a, "GETEX", key());
        switch (random.nextInt(7)) {
            case 0 -> add(a, "EX", pick(SECONDS));
            case 1 -> add(a, "PX", pick(MILLIS));
            case 2 -> add(a, "EXAT", pick(UNIX_SECONDS));
            case 3 -> add(a, "PXAT", pick(UNIX_MILLIS));
            case 4 -> a.add("PERSIST");
            case 5 -> add(a, "PERSIST", "EX", "3600");
            default -> {
            }
        }
    }

    private void lcsCommand(List<String> a) {
        add(a, "LCS", key(), key());
        for (int i = random.nextInt(3); i > 0; i--) {
            switch (random.nextInt(5)) {
                case 0 -> a.add("IDX");
                case 1 -> a.add("LEN");
                case 2 -> a.add("WITHMATCHLEN");
                case 3 -> add(a, "MINMATCHLEN", pick(new String[] {"0", "1", "2", "-1", "x"}));
                default -> a.add("BAD");
            }
        }
    }

    /**
     * EXPIRE family. GT and LT only with absolute times: two relative expiries set some milliseconds apart compare
     * differently on two servers.
     */
    private void expireCommand(List<String> a, int r) {
        boolean absolute = r < 50;
        boolean millis = random.nextBoolean();
        String name = absolute ? (millis ? "PEXPIREAT" : "EXPIREAT") : (millis ? "PEXPIRE" : "EXPIRE");
        String when = absolute ? pick(millis ? UNIX_MILLIS : UNIX_SECONDS) : pick(millis ? MILLIS : SECONDS);
        add(a, name, key(), when);
        String[] flags = absolute ? new String[] {"NX", "XX", "GT", "LT", "gt", "BAD"} : new String[] {"NX", "XX", "xx"};
        for (int i = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0; i > 0; i--) {
            a.add(pick(flags));
        }
    }

    private void evalCommand(List<String> a, int r) {
        int script = random.nextInt(SCRIPTS.length);
        if (r < 15) {
            add(a, "EVALSHA", r < 3 ? "ffffffffffffffffffffffffffffffffffffffff" : SCRIPT_SHAS[script]);
        } else if (r < 22) {
            add(a, r < 18 ? "EVAL_RO" : "EVALSHA_RO", r < 18 ? SCRIPTS[script] : SCRIPT_SHAS[script]);
        } else {
            add(a, "EVAL", SCRIPTS[script]);
        }
        int keys = random.nextInt(3);
        if (random.nextInt(40) == 0) {
            a.add(pick(new String[] {"-1", "x", "5"}));
        } else {
            a.add(Integer.toString(keys));
        }
        for (int i = 0; i < keys; i++) {
            a.add(key());
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            String v = random.nextInt(4) == 0 ? pick(SECONDS) : value();
            // Known difference, excluded: luaj has no negative zero (tonumber('-0') is 0, so tostring, cjson and
            // %.17g print "0" where Redis's Lua prints "-0")
            a.add(v.equals("-0") ? "0" : v);
        }
    }
}
