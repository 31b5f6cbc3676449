package io.cinnabar.conformance;

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
 * and to a live Redis 7.0, every reply compared byte for byte as raw RESP. Needs redis-server on PATH (skipped
 * otherwise). {@code -Dcinnabar.diff.count=N -Dcinnabar.diff.seed=S} change the size and the seed; a mismatch
 * names the seed, the index, the command, both replies and the commands before it; {@code -Dcinnabar.diff.log=FILE}
 * writes every command with Redis's reply to FILE.
 */
class DifferentialTest {
    private static final int BATCH = 200;

    @Test
    void randomCommandsAnswerAsRedisDoes() throws Exception {
        assumeTrue(RealRedis.available(), "no redis-server on PATH: the differential run needs a live Redis 7.0");
        long seed = Long.getLong("cinnabar.diff.seed", 20261130L);
        int count = Integer.getInteger("cinnabar.diff.count", 100_000);
        try (RealRedis redis = RealRedis.start();
             CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient theirs = new RespClient(redis.host, redis.port);
             RespClient ours = new RespClient(server.port())) {
            String version = RealRedis.version(theirs.call("INFO", "server"));
            assumeTrue(version.startsWith("7.0."), "the differential run compares with Redis 7.0, found " + version);
            theirs.call("FLUSHALL");
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
        }
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
