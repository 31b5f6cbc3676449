package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DUMP payloads between a live Redis 7.0 and Cinnabar, both ways, over a seeded random data set of every type in
 * every encoding (int, embstr, raw and LZF strings; lists with and without compressed nodes; intset and table sets;
 * listpack and table hashes; listpack and skiplist sorted sets; streams with deletions, groups, PELs and consumers)
 * built by the same commands on both servers. Key by key: Cinnabar's DUMP is Redis's byte for byte wherever Redis is
 * deterministic (everything but hash-table order and stream delivery/seen times, taken from the clock); Redis's
 * payload restores here and Cinnabar's there with the same DEBUG DIGEST-VALUE and encoding, and a payload restored
 * here dumps back to Redis's bytes. Needs redis-server on PATH (skipped otherwise); {@code -Dcinnabar.dump.seed=S}
 * and {@code -Dcinnabar.dump.keys=N} change the data set.
 */
class DumpInteropTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Commands that build a random data set; each key gets one type. */
    static List<String[]> dataSet(long seed, int keys) {
        Random r = new Random(seed);
        List<String[]> out = new ArrayList<>();
        String[] words = {"a", "b", "hello", "0", "1", "-1", "127", "128", "4095", "4096", "-4096", "65535",
            "8388607", "8388608", "2147483648", "9223372036854775807", "9223372036854775808", "0123", "-0", "+5",
            "1.5", "x".repeat(63), "y".repeat(64), "z".repeat(200), "abcabcabcabcabcabcabcabc", "\u00ff\u0000bin"};
        for (int k = 0; k < keys; k++) {
            String key = "k" + k;
            int type = r.nextInt(8);
            boolean large = r.nextInt(4) == 0;
            int n = large ? 100 + r.nextInt(1200) : 1 + r.nextInt(12);
            switch (type) {
                case 0 -> {
                    String v = r.nextBoolean() ? words[r.nextInt(words.length)]
                            : Long.toString(r.nextLong() >> r.nextInt(64));
                    if (large) {
                        v = v.repeat(1 + r.nextInt(500));
                    }
                    out.add(new String[] {"SET", key, v});
                    if (r.nextInt(5) == 0) {
                        out.add(new String[] {"APPEND", key, "tail"});
                    }
                }
                case 1 -> {
                    boolean compressed = r.nextInt(3) == 0;
                    if (compressed) {
                        out.add(new String[] {"CONFIG", "SET", "list-compress-depth", Integer.toString(1 + r.nextInt(2))});
                        out.add(new String[] {"CONFIG", "SET", "list-max-listpack-size", r.nextBoolean() ? "8" : "-1"});
                    }
                    for (int i = 0; i < n; i++) {
                        String e = r.nextInt(3) == 0 ? words[r.nextInt(words.length)] : "el" + r.nextInt(50) + "-" + i;
                        out.add(new String[] {r.nextBoolean() ? "RPUSH" : "LPUSH", key, e});
                    }
                    if (r.nextBoolean() && n > 3) {
                        out.add(new String[] {"LREM", key, "0", words[r.nextInt(words.length)]});
                        out.add(new String[] {"LINSERT", key, "BEFORE", "el1-1", "ins"});
                        out.add(new String[] {"LSET", key, "1", "set"});
                    }
                    if (compressed) {
                        out.add(new String[] {"CONFIG", "SET", "list-compress-depth", "0"});
                        out.add(new String[] {"CONFIG", "SET", "list-max-listpack-size", "-2"});
                    }
                }
                case 2 -> {
                    boolean ints = r.nextBoolean();
                    for (int i = 0; i < n; i++) {
                        out.add(new String[] {"SADD", key, ints ? Long.toString(r.nextLong() >> r.nextInt(64))
                                : "m" + r.nextInt(3 * n)});
                    }
                }
                case 3 -> {
                    for (int i = 0; i < n; i++) {
                        String v = r.nextInt(10) == 0 ? "v".repeat(65) : words[r.nextInt(words.length)];
                        out.add(new String[] {"HSET", key, "f" + r.nextInt(2 * n), v});
                    }
                    if (r.nextBoolean()) {
                        out.add(new String[] {"HDEL", key, "f1"});
                    }
                }
                case 4 -> {
                    for (int i = 0; i < n; i++) {
                        String score = switch (r.nextInt(5)) {
                            case 0 -> Integer.toString(r.nextInt(100) - 50);
                            case 1 -> Double.toString(r.nextGaussian() * 1e6);
                            case 2 -> r.nextBoolean() ? "inf" : "-inf";
                            case 3 -> "4503599627370497";
                            default -> Double.toString(r.nextDouble());
                        };
                        out.add(new String[] {"ZADD", key, score, r.nextInt(8) == 0 ? "m".repeat(70) + i
                                : "m" + r.nextInt(2 * n)});
                    }
                }
                case 5, 6 -> {
                    long ms = 1 + r.nextInt(1000);
                    for (int i = 0; i < n; i++) {
                        ms += r.nextInt(3);
                        String[] cmd = r.nextInt(4) == 0
                                ? new String[] {"XADD", key, ms + "-" + i, "other", words[r.nextInt(words.length)]}
                                : new String[] {"XADD", key, ms + "-" + i, "name", words[r.nextInt(words.length)],
                                    "n", Integer.toString(i)};
                        out.add(cmd);
                        if (r.nextInt(6) == 0) {
                            out.add(new String[] {"XDEL", key, ms + "-" + i});
                        }
                    }
                    if (type == 6) {
                        out.add(new String[] {"XGROUP", "CREATE", key, "g" + r.nextInt(3), "0"});
                        out.add(new String[] {"XGROUP", "CREATE", key, "late", "$", "ENTRIESREAD", "2"});
                        out.add(new String[] {"XGROUP", "CREATECONSUMER", key, "late", "idle"});
                    }
                }
                default -> {
                    // an empty stream with a last ID, and a set that grows past the intset limit
                    if (r.nextBoolean()) {
                        out.add(new String[] {"XADD", key, "5-5", "a", "b"});
                        out.add(new String[] {"XDEL", key, "5-5"});
                    } else {
                        for (int i = 0; i < 520; i++) {
                            out.add(new String[] {"SADD", key, Integer.toString(i * 7)});
                        }
                    }
                }
            }
            if (r.nextInt(10) == 0) {
                out.add(new String[] {"PEXPIRE", key, Integer.toString(3_600_000 + r.nextInt(1000))});
            }
        }
        return out;
    }

    private static byte[] call(RespClient c, byte[]... argv) {
        return c.callBytes(argv);
    }

    private static byte[] call(RespClient c, String[] argv) {
        byte[][] raw = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            raw[i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return c.callBytes(raw);
    }

    private static byte[] payload(RespClient c, byte[] key) {
        return RespValue.parse(call(c, b("DUMP"), key)).bytes;
    }

    private static String text(byte[] reply) {
        return RespValue.escape(reply);
    }

    @Test
    void payloadsGoBothWaysOverARandomDataSet() throws Exception {
        assumeTrue(RealRedis.available(), "no redis-server on PATH: DUMP interop needs a live Redis 7.0");
        long seed = Long.getLong("cinnabar.dump.seed", 20261201L);
        int keys = Integer.getInteger("cinnabar.dump.keys", 400);
        try (RealRedis redis = RealRedis.start();
             CinnabarServer server = CinnabarServer.builder().config("enable-debug-command", "yes").build().start();
             RespClient theirs = new RespClient(redis.host, redis.port);
             RespClient ours = new RespClient(server.port())) {
            assumeTrue(RealRedis.version(theirs.call("INFO", "server")).startsWith("7.0."), "needs Redis 7.0");
            theirs.call("FLUSHALL");
            for (String[] command : dataSet(seed, keys)) {
                byte[] expected = call(theirs, command);
                byte[] actual = call(ours, command);
                assertEquals(text(expected), text(actual), String.join(" ", command));
            }
            // consumer groups read in the same way on both (delivery and seen times then differ by the clock)
            for (int k = 0; k < keys; k++) {
                String[] read = {"XREADGROUP", "GROUP", "g" + (k % 3), "c" + (k % 2), "COUNT", "3", "STREAMS", "k" + k,
                    ">"};
                assertEquals(text(call(theirs, read)), text(call(ours, read)));
                String[] ack = {"XACK", "k" + k, "g" + (k % 3), "0-1", "1-0"};
                assertEquals(text(call(theirs, ack)), text(call(ours, ack)));
            }
            assertNull(DifferentialTest.digestDifference(theirs, ours));

            int sameBytes = 0;
            int restored = 0;
            for (RespValue keyValue : RespValue.parse(call(theirs, b("KEYS"), b("k*"))).elements) {
                byte[] key = keyValue.bytes;
                String name = new String(key, StandardCharsets.ISO_8859_1);
                String type = RespValue.parse(call(theirs, b("TYPE"), key)).text();
                String encoding = RespValue.parse(call(theirs, b("OBJECT"), b("ENCODING"), key)).text();
                byte[] fromRedis = payload(theirs, key);
                byte[] fromUs = payload(ours, key);
                boolean timed = type.equals("stream") && !text(call(theirs, b("XINFO"), b("GROUPS"), key))
                        .equals("*0\r\n"); // consumers' seen times and PEL delivery times come from the clock
                boolean deterministic = !encoding.equals("hashtable") && !timed;
                if (deterministic) {
                    assertEquals(RespValue.escape(fromRedis), RespValue.escape(fromUs), "DUMP " + name + " " + encoding);
                    sameBytes++;
                }
                byte[] digest = call(theirs, b("DEBUG"), b("DIGEST-VALUE"), key);
                // Redis's payload here, ours there
                byte[] copy = b("from:" + name);
                assertEquals("+OK\\r\\n", text(call(ours, b("RESTORE"), copy, b("0"), fromRedis)), name);
                assertEquals("+OK\\r\\n", text(call(theirs, b("RESTORE"), copy, b("0"), fromUs)), name);
                // DIGEST-VALUE mixes in whether the key expires, and a restored copy has no TTL
                String copyDigest = text(call(theirs, b("DEBUG"), b("DIGEST-VALUE"), copy));
                assertEquals(copyDigest, text(call(ours, b("DEBUG"), b("DIGEST-VALUE"), copy)), "restored: " + name);
                if (RespValue.parse(call(theirs, b("PTTL"), key)).integer == -1) {
                    assertEquals(text(digest), copyDigest, "restored in Redis: " + name);
                }
                // the loaded encoding follows the thresholds (a table hash that shrank comes back a listpack)
                assertEquals(RespValue.parse(call(theirs, b("OBJECT"), b("ENCODING"), copy)).text(),
                        RespValue.parse(call(ours, b("OBJECT"), b("ENCODING"), copy)).text(), name);
                if (!encoding.equals("hashtable")) {
                    assertTrue(Arrays.equals(fromRedis, payload(ours, copy)), "restored here dumps back: " + name);
                }
                call(ours, b("DEL"), copy);
                call(theirs, b("DEL"), copy);
                restored++;
            }
            assertTrue(sameBytes > keys / 3, "compared " + sameBytes + " payloads byte for byte");
            assertTrue(restored >= keys * 9 / 10);
            assertNull(DifferentialTest.digestDifference(theirs, ours));
        }
    }
}
