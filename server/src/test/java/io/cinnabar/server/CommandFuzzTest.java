package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cinnabar.server.command.CommandSpec;
import io.cinnabar.server.command.CommandTable;
import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the command table, with random argument counts and awkward values, sent in RESP2, in RESP3 and
 * from scripts through redis.call and redis.pcall, gets exactly one reply that carries no Java text: no handler may
 * throw, hang, drop the connection or log an unhandled exception, whatever the input.
 */
class CommandFuzzTest {
    private static final String[] VALUES = {"0", "1", "-1", "10", "2147483648", "-9223372036854775808",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "1.5", "-0.5",
        "-0", "1e308", "1e400", "inf", "-inf", "nan", "+inf", "0x10", " 1", "", " ", "abc", "k", "key", "a", "b",
        "NX", "XX", "GT", "LT", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET", "PERSIST", "COUNT", "MATCH", "TYPE",
        "string", "*", "[", "\\", "IDX", "LEN", "MINMATCHLEN", "WITHMATCHLEN", "DB", "REPLACE", "ID", "ADDR", "LADDR",
        "SKIPME", "USER", "ON", "OFF", "SKIP", "WRITE", "ALL", "ASYNC", "SYNC", "SAMPLES", "FILTERBY", "PATTERN",
        "ACLCAT", "MODULE", "LIB-NAME", "LIB-VER", "AUTH", "SETNAME", "default", "\u0000\u00ff", "\r\n",
        "x".repeat(300), "return 1", "return redis.call('get', KEYS[1])", "return {1, 'a', {err='x'}}"};
    /** Numbers as scripts pass them to redis.call (formatted by the bridge, not strings). */
    private static final String[] LUA_NUMBERS = {"0", "-1", "1", "1.5", "-0.5", "1e308", "-1e308", "1/0", "-1/0",
        "0/0", "2^63", "-2^63", "2^53+1", "100", "3.999"};
    /**
     * Commands that would end the connection or the server, block the executor on purpose, or change the
     * connection's protocol or authentication under the test.
     */
    private static final Set<String> SKIPPED = Set.of("shutdown", "quit", "monitor", "debug", "client|kill",
        "client|pause", "client|reply", "reset", "hello", "auth", "config|set");
    /** Anything that looks like Java leaking through. */
    private static final Pattern JAVA_TEXT = Pattern.compile(
            "java\\.|Exception|NullPointer|ArrayIndex|IndexOutOfBounds|ClassCast|NumberFormat|vm error|luaj|"
                    + "org\\.|io\\.netty|io\\.cinnabar|StackOverflow|OutOfMemory|Throwable");

    @TempDir
    Path dir;

    @Test
    void everyCommandRepliesToRandomArgumentsInResp2() throws Exception {
        fuzz(Mode.RESP2);
    }

    @Test
    void everyCommandRepliesToRandomArgumentsInResp3() throws Exception {
        fuzz(Mode.RESP3);
    }

    @Test
    void everyCommandRepliesToRandomArgumentsThroughRedisCall() throws Exception {
        fuzz(Mode.CALL);
    }

    @Test
    void everyCommandRepliesToRandomArgumentsThroughRedisPcall() throws Exception {
        fuzz(Mode.PCALL);
    }

    private enum Mode { RESP2, RESP3, CALL, PCALL }

    /** Each command of the table (each subcommand of a container) with its name words and arity. */
    private record Target(String fullName, String[] words, int arity, boolean blocking, boolean subscribes) {
    }

    /** Timeouts a blocking command gets as its last argument: short, or invalid, so the run never waits. */
    private static final String[] TIMEOUTS = {"0.001", "0.5", "abc", "-1", "1e20", "0x1"};

    static List<CommandSpec> tableCommands() {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec spec : CommandTable.load().all()) {
            if (spec.hasSubcommands()) {
                all.addAll(CommandTable.subcommands(spec));
            } else {
                all.add(spec);
            }
        }
        return all;
    }

    private static List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (CommandSpec spec : tableCommands()) {
            if (SKIPPED.contains(spec.fullName)) {
                continue;
            }
            targets.add(new Target(spec.fullName, spec.fullName.split("\\|"), spec.arity,
                    spec.has(io.cinnabar.server.command.CommandFlags.BLOCKING),
                    spec.fullName.endsWith("subscribe")));
        }
        assertTrue(targets.size() > 80, "the command table is read: " + targets.size());
        return targets;
    }

    private void fuzz(Mode mode) throws Exception {
        Random random = new Random(7 + mode.ordinal());
        Path log = dir.resolve("server.log");
        List<Target> targets = targets();
        try (CinnabarServer server = CinnabarServer.builder().config("logfile", log.toString()).build().start();
             RespClient c = new RespClient(server.port())) {
            if (mode == Mode.RESP3) {
                assertTrue(c.call("HELLO", "3").startsWith("%"));
            }
            List<String> recent = new ArrayList<>();
            for (int round = 0; round < 40; round++) {
                if (round % 4 == 0) {
                    c.call("SELECT", "0");
                    c.call("MSET", "k", "1", "key", "abc", "a", "10", "b", "-1", "x".repeat(300), "1.5");
                }
                for (Target t : targets) {
                    List<byte[]> argv = new ArrayList<>();
                    for (String w : t.words) {
                        argv.add(w.getBytes(StandardCharsets.UTF_8));
                    }
                    int needed = Math.max(0, Math.abs(t.arity) - t.words.length);
                    int count = Math.max(0, needed + random.nextInt(6) - 1);
                    List<String> luaArgs = new ArrayList<>();
                    for (String w : t.words) {
                        luaArgs.add(luaString(w.getBytes(StandardCharsets.UTF_8)));
                    }
                    for (int i = 0; i < count; i++) {
                        if (mode.ordinal() >= Mode.CALL.ordinal() && random.nextInt(4) == 0) {
                            luaArgs.add(LUA_NUMBERS[random.nextInt(LUA_NUMBERS.length)]);
                        } else {
                            byte[] v = value(random);
                            argv.add(v);
                            luaArgs.add(luaString(v));
                        }
                    }
                    if (t.blocking && argv.size() > t.words.length) {
                        argv.set(argv.size() - 1, bytes(TIMEOUTS[random.nextInt(TIMEOUTS.length)]));
                    }
                    byte[][] request;
                    if (mode == Mode.CALL || mode == Mode.PCALL) {
                        String script = "return redis." + (mode == Mode.CALL ? "call" : "pcall") + "("
                                + String.join(", ", luaArgs) + ")";
                        request = new byte[][] {bytes("EVAL"), bytes(script), bytes("0")};
                    } else {
                        request = argv.toArray(new byte[0][]);
                    }
                    String shown = describe(request);
                    recent.add(shown);
                    if (recent.size() > 5) {
                        recent.remove(0);
                    }
                    byte[] reply;
                    try {
                        if (t.subscribes && mode.ordinal() < Mode.CALL.ordinal()) {
                            // (un)subscribing answers one frame per channel: read up to RESET's reply, which also
                            // leaves pub/sub mode (and restores the protocol: HELLO 3 again if needed)
                            c.send(RespClient.encode(request));
                            c.send(RespClient.encode("RESET"));
                            StringBuilder all = new StringBuilder();
                            String frame;
                            do {
                                frame = c.readReplyText();
                                all.append(frame);
                            } while (!frame.equals("+RESET\r\n"));
                            if (mode == Mode.RESP3) {
                                c.call("HELLO", "3");
                            }
                            reply = all.toString().getBytes(StandardCharsets.ISO_8859_1);
                        } else if (t.blocking && mode.ordinal() < Mode.CALL.ordinal()) {
                            // a blocked call times out when the server clock passes its (short) deadline
                            c.send(RespClient.encode(request));
                            Thread.sleep(2);
                            server.clock().advance(java.time.Duration.ofDays(1));
                            reply = c.readReply();
                        } else {
                            reply = c.callBytes(request);
                        }
                    } catch (RuntimeException e) {
                        fail("no reply (connection dropped?) to " + shown + " after " + recent, e);
                        return;
                    }
                    String text = new String(reply, StandardCharsets.ISO_8859_1);
                    assertTrue(reply.length > 0, "a reply for " + shown);
                    if (JAVA_TEXT.matcher(text).find()) {
                        fail("Java text in the reply to " + shown + ": " + text);
                    }
                }
            }
            c.call("SELECT", "0");
            assertEquals("+PONG\r\n", c.call("PING"));
        }
        String logged = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        if (JAVA_TEXT.matcher(logged).find() || logged.contains("Internal error")) {
            fail("the server logged an unhandled exception:\n" + logged);
        }
    }

    private static byte[] value(Random random) {
        if (random.nextInt(20) == 0) {
            byte[] b = new byte[random.nextInt(8)];
            random.nextBytes(b);
            return b;
        }
        return VALUES[random.nextInt(VALUES.length)].getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A Lua string literal of any bytes (decimal escapes). */
    private static String luaString(byte[] v) {
        StringBuilder sb = new StringBuilder("'");
        for (byte b : v) {
            int u = b & 0xff;
            if (u >= 'a' && u <= 'z' || u >= 'A' && u <= 'Z' || u >= '0' && u <= '9' || u == ' ' || u == '-'
                    || u == '.' || u == '|' || u == '_') {
                sb.append((char) u);
            } else {
                sb.append('\\').append(String.format("%03d", u));
            }
        }
        return sb.append('\'').toString();
    }

    private static String describe(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String s = io.cinnabar.protocol.RespValue.escape(a);
            sb.append('"').append(s.length() > 80 ? s.substring(0, 80) + "..." : s).append('"');
        }
        return sb.toString();
    }

    @Test
    void randomBytesNeverHurtTheServer() {
        Random random = new Random(11);
        try (CinnabarServer server = CinnabarServer.builder().build().start()) {
            for (int round = 0; round < 200; round++) {
                try (RespClient c = new RespClient(server.port())) {
                    byte[] junk = new byte[1 + random.nextInt(200)];
                    random.nextBytes(junk);
                    c.send(junk);
                }
            }
            try (RespClient c = new RespClient(server.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals(":0\r\n", c.call("DBSIZE"));
            }
        }
    }
}
