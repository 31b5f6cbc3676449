package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A seeded stream of random commands (strings, keys, expiry, small scripts, databases; wrong arities, bad and edge
 * numbers, binary bytes over a small key and value alphabet so that commands collide) sent pipelined to Cinnabar
 * and to a live Redis 7.0, every reply compared byte for byte as raw RESP, and at the end the two data sets
 * compared with DEBUG DIGEST (naming the keys whose DEBUG DIGEST-VALUE differs when they do). Needs redis-server on
 * PATH (skipped otherwise); a Redis named with {@code -Dcinnabar.redis} needs enable-debug-command yes. {@code
 * -Dcinnabar.diff.count=N -Dcinnabar.diff.seed=S} change the size and the seed; a mismatch names the seed, the index,
 * the command, both replies and the commands before it; {@code -Dcinnabar.diff.log=FILE} writes every command with
 * Redis's reply to FILE; {@code -Dcinnabar.diff.config=list-compress-depth=1,list-max-listpack-size=4} runs with
 * those settings on both servers.
 */
class DifferentialTest {
    private static final int BATCH = 200;

    @Test
    void randomCommandsAnswerAsRedisDoes() throws Exception {
        assumeTrue(RealRedis.available(), "no redis-server on PATH: the differential run needs a live Redis 7.0");
        long seed = Long.getLong("cinnabar.diff.seed", 20261130L);
        int count = Integer.getInteger("cinnabar.diff.count", 100_000);
        try (RealRedis redis = RealRedis.start();
             CinnabarServer server = CinnabarServer.builder().config("enable-debug-command", "yes").build().start();
             RespClient theirs = new RespClient(redis.host, redis.port);
             RespClient ours = new RespClient(server.port())) {
            String version = RealRedis.version(theirs.call("INFO", "server"));
            assumeTrue(version.startsWith("7.0."), "the differential run compares with Redis 7.0, found " + version);
            theirs.call("FLUSHALL");
            // -Dcinnabar.diff.config=name=value,... runs with other settings on both (list-compress-depth=1,...)
            for (String setting : System.getProperty("cinnabar.diff.config", "").split(",")) {
                if (!setting.isEmpty()) {
                    String[] nv = setting.split("=", 2);
                    for (RespClient side : new RespClient[] {theirs, ours}) {
                        String reply = side.call("CONFIG", "SET", nv[0], nv[1]);
                        assertTrue(reply.startsWith("+OK"), "CONFIG SET " + setting + ": " + reply);
                    }
                }
            }
            CommandGenerator generator = new CommandGenerator(seed);
            ArrayDeque<String> recent = new ArrayDeque<>();
            // -Dcinnabar.diff.log=FILE writes every command sent, to trace a key's history after a mismatch
            String logFile = System.getProperty("cinnabar.diff.log");
            java.io.PrintWriter log = logFile == null ? null
                    : new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(logFile)));
            int index = 0;
            while (index < count) {
                int n = Math.min(BATCH, count - index);
                List<CommandGenerator.Command> batch = new ArrayList<>(n);
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    CommandGenerator.Command command = generator.next();
                    batch.add(command);
                    wire.writeBytes(RespClient.encode(command.argv()));
                }
                byte[] requests = wire.toByteArray();
                ours.send(requests);
                theirs.send(requests);
                List<byte[]> expected = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    expected.add(theirs.readReply());
                }
                for (int i = 0; i < n; i++, index++) {
                    CommandGenerator.Command command = batch.get(i);
                    byte[] actual = ours.readReply();
                    String shown = describe(command.argv());
                    String problem = compare(command.compare(), expected.get(i), actual);
                    if (log != null) {
                        log.println("#" + index + " " + shown + " -> " + RespValue.escape(expected.get(i)));
                        if (problem != null) {
                            log.close();
                        }
                    }
                    if (problem != null) {
                        fail("differential run, seed " + seed + ", command #" + index + " [" + problem + "]\n"
                                + "  command:  " + shown + "\n"
                                + "  redis:    " + RespValue.escape(expected.get(i)) + "\n"
                                + "  cinnabar: " + RespValue.escape(actual) + "\n"
                                + "  after (oldest first):\n    " + String.join("\n    ", recent) + "\n"
                                + "  rerun: -Dcinnabar.diff.seed=" + seed + " -Dcinnabar.diff.count=" + (index + 1));
                    }
                    recent.addLast("#" + index + " " + shown);
                    if (recent.size() > 12) {
                        recent.removeFirst();
                    }
                }
            }
            if (log != null) {
                log.close();
            }
            // fresh connections: the run may leave its own in MULTI, in RESP3 or in another database
            try (RespClient theirsAfter = new RespClient(redis.host, redis.port);
                 RespClient oursAfter = new RespClient(server.port())) {
                String problem = digestDifference(theirsAfter, oursAfter);
                if (problem != null) {
                    fail("differential run, seed " + seed + ", after " + count + " commands: " + problem + "\n"
                            + "  rerun: -Dcinnabar.diff.seed=" + seed + " -Dcinnabar.diff.count=" + count
                            + " -Dcinnabar.diff.log=FILE to trace a key's history");
                }
            }
        }
    }

    @Test
    void aDigestMismatchNamesTheKeysThatDiffer() {
        try (CinnabarServer a = CinnabarServer.builder().config("enable-debug-command", "yes").build().start();
             CinnabarServer b = CinnabarServer.builder().config("enable-debug-command", "yes").build().start();
             RespClient left = new RespClient(a.port());
             RespClient right = new RespClient(b.port())) {
            for (RespClient side : new RespClient[] {left, right}) {
                side.call("RPUSH", "same", "x", "y");
                side.call("SELECT", "3");
                side.call("SET", "k\u0001", "v");
            }
            assertNull(digestDifference(left, right));
            right.call("SELECT", "3");
            right.call("EXPIRE", "k\u0001", "3600");
            left.call("SELECT", "0");
            left.call("SADD", "only-left", "m");
            String problem = digestDifference(left, right);
            assertTrue(problem.contains("db 3 key \"k\\x01\": redis string/embstr pttl -1 digest "), problem);
            assertTrue(problem.contains("db 0 key \"only-left\": redis set/hashtable"), problem);
            assertTrue(problem.contains("cinnabar none/- pttl -2 digest 0000000000000000000000000000000000000000"),
                    problem);
            assertFalse(problem.contains("same"), problem);
        }
    }

    private static final int DATABASES = 16;

    /**
     * Null when DEBUG DIGEST is the same on both servers; otherwise both digests and, per database, the keys whose
     * DEBUG DIGEST-VALUE differs or which only one server has.
     */
    static String digestDifference(RespClient theirs, RespClient ours) {
        byte[] expected = theirs.callBytes(b("DEBUG"), b("DIGEST"));
        if (expected[0] != '+') {
            return "Redis refused DEBUG DIGEST (" + RespValue.escape(expected)
                    + "): a Redis named with -Dcinnabar.redis needs enable-debug-command yes";
        }
        byte[] actual = ours.callBytes(b("DEBUG"), b("DIGEST"));
        if (Arrays.equals(expected, actual)) {
            return null;
        }
        StringBuilder sb = new StringBuilder("DEBUG DIGEST differs\n  redis:    " + RespValue.escape(expected)
                + "\n  cinnabar: " + RespValue.escape(actual));
        for (int db = 0; db < DATABASES; db++) {
            byte[] select = b(Integer.toString(db));
            theirs.callBytes(b("SELECT"), select);
            ours.callBytes(b("SELECT"), select);
            java.util.TreeMap<String, byte[]> keys = new java.util.TreeMap<>();
            for (RespClient side : new RespClient[] {theirs, ours}) {
                for (RespValue key : RespValue.parse(side.callBytes(b("KEYS"), b("*"))).elements) {
                    keys.put(RespValue.escape(key.bytes), key.bytes);
                }
            }
            for (java.util.Map.Entry<String, byte[]> key : keys.entrySet()) {
                byte[][] argv = {b("DEBUG"), b("DIGEST-VALUE"), key.getValue()};
                byte[] theirValue = theirs.callBytes(argv);
                byte[] ourValue = ours.callBytes(argv);
                if (!Arrays.equals(theirValue, ourValue)) {
                    sb.append("\n  db ").append(db).append(" key \"").append(key.getKey()).append("\": redis ")
                            .append(describeKey(theirs, key.getValue(), theirValue)).append(", cinnabar ")
                            .append(describeKey(ours, key.getValue(), ourValue));
                }
            }
        }
        theirs.callBytes(b("SELECT"), b("0"));
        ours.callBytes(b("SELECT"), b("0"));
        return sb.toString();
    }

    /** A key's type, encoding, time to live and DIGEST-VALUE on one server, for a digest mismatch. */
    private static String describeKey(RespClient side, byte[] key, byte[] digestValue) {
        RespValue type = RespValue.parse(side.callBytes(b("TYPE"), key));
        RespValue encoding = RespValue.parse(side.callBytes(b("OBJECT"), b("ENCODING"), key));
        RespValue ttl = RespValue.parse(side.callBytes(b("PTTL"), key));
        String digest = RespValue.parse(digestValue).elements.get(0).text();
        return type.text() + "/" + (encoding.isNull() ? "-" : encoding.text()) + " pttl " + ttl.integer + " digest "
                + digest;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Null when the replies agree under the command's rule. */
    static String compare(CommandGenerator.Compare rule, byte[] expected, byte[] actual) {
        if (Arrays.equals(expected, actual)) {
            return null;
        }
        switch (rule) {
            case EXACT:
                return "differs";
            case UNORDERED:
                return Replies.difference(expected, actual, Scenario.Compare.UNORDERED);
            case IGNORED:
                return null;
            default: {
                // a time left or an absolute time from a relative expiry: the two servers ran it some ms apart
                RespValue e = RespValue.parse(expected);
                RespValue a = RespValue.parse(actual);
                if (e == null || a == null || e.type != ':' || a.type != ':' || e.integer < 0 || a.integer < 0) {
                    return "differs";
                }
                long tolerance = rule == CommandGenerator.Compare.SECONDS ? 1 : 1500;
                return Math.abs(e.integer - a.integer) <= tolerance ? null : "not within " + tolerance;
            }
        }
    }

    static String describe(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String s = RespValue.escape(a);
            sb.append('"').append(s.length() > 200 ? s.substring(0, 200) + "..." : s).append('"');
        }
        return sb.toString();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
