package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs each scenario against Cinnabar and compares its replies with Redis 7.0's: with the recorded transcript
 * always, and live when a real Redis is available (then a transcript that no longer matches Redis fails too).
 * {@code -Dcinnabar.record=true} rewrites the transcripts from the live server.
 */
class ConformanceTest {
    static final List<String> SCENARIOS = List.of("strings", "keys", "connection", "server", "protocol", "scripting",
            "config", "hashes", "sets", "lists", "zsets", "transactions", "sort", "blocking", "pubsub", "functions", "tracking", "streams", "dump",
            "persistence");

    /** All scenarios, or those named in {@code -Dcinnabar.scenarios=a,b} (to record or debug a few). */
    @TestFactory
    Stream<DynamicTest> scenarios() {
        String only = System.getProperty("cinnabar.scenarios", "");
        List<String> chosen = only.isEmpty() ? SCENARIOS : List.of(only.split(","));
        return chosen.stream().map(name -> DynamicTest.dynamicTest(name, () -> run(Scenario.load(name))));
    }

    private static void run(Scenario scenario) throws Exception {
        List<byte[]> recorded = readTranscript(scenario.name());
        List<byte[]> live = null;
        if (RealRedis.available()) {
            try (RealRedis redis = RealRedis.start()) {
                try (RespClient admin = new RespClient(redis.host, redis.port)) {
                    String version = RealRedis.version(admin.call("INFO", "server"));
                    if (!version.startsWith("7.0.")) {
                        fail("conformance compares with Redis 7.0; the server found is " + version);
                    }
                    admin.call("FLUSHALL");
                }
                live = play(scenario, redis.host, redis.port);
            }
            if (Boolean.getBoolean("cinnabar.record")) {
                writeTranscript(scenario.name(), live);
                recorded = live;
            }
        }
        if (recorded == null) {
            fail("no transcript for " + scenario.name() + ": run once with redis-server 7.0 on PATH and "
                    + "-Dcinnabar.record=true");
        }
        List<byte[]> ours;
        try (CinnabarServer server = CinnabarServer.builder().config("enable-debug-command", "yes").build().start()) {
            ours = play(scenario, "127.0.0.1", server.port());
        }
        List<String> problems = new ArrayList<>();
        compare(scenario, recorded, ours, "transcript", problems);
        if (live != null) {
            compare(scenario, live, ours, "live Redis", problems);
        }
        if (!problems.isEmpty()) {
            fail(scenario.name() + ": " + problems.size() + " difference(s)\n" + String.join("\n", problems));
        }
    }

    private static void compare(Scenario scenario, List<byte[]> expected, List<byte[]> actual, String source,
                                List<String> problems) {
        int r = 0;
        for (Scenario.Step step : scenario.steps()) {
            for (int i = 0; i < step.replies(); i++, r++) {
                if (r >= expected.size() || r >= actual.size()) {
                    problems.add("  " + step.source() + ": missing reply (" + source + ")");
                    continue;
                }
                String diff = Replies.difference(expected.get(r), actual.get(r), step.compare());
                if (diff != null) {
                    problems.add("  " + step.source() + "  [" + diff + " vs " + source + "]\n"
                            + "      redis:    " + Replies.escape(expected.get(r)) + "\n"
                            + "      cinnabar: " + Replies.escape(actual.get(r)));
                }
            }
        }
    }

    /**
     * Plays a scenario on one connection (fresh ones for @close steps, named ones for @client steps); returns every
     * reply frame in order.
     */
    static List<byte[]> play(Scenario scenario, String host, int port) {
        List<byte[]> replies = new ArrayList<>();
        RespClient client = new RespClient(host, port);
        Map<String, RespClient> named = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        try {
            for (Scenario.Step step : scenario.steps()) {
                if (step.closes()) {
                    try (RespClient own = new RespClient(host, port)) {
                        own.send(step.request());
                        replies.add(own.readReply());
                        assertTrue(own.closedByServer(), "the server closes the connection after: " + step.source());
                    }
                    continue;
                }
                if (step.blocked() >= 0) {
                    awaitBlocked(client, step.blocked(), step.source());
                    continue;
                }
                RespClient on = client;
                if (step.client() != null) {
                    on = named.get(step.client());
                    if (on == null) {
                        on = new RespClient(host, port);
                        named.put(step.client(), on);
                        ids.put(step.client(), clientId(on));
                    }
                }
                if (step.request() != null) {
                    if (step.args() != null && !ids.containsKey("default") && mentions(step, "{id:default}")) {
                        ids.put("default", clientId(client));
                    }
                    on.send(Scenario.requestFor(step, ids));
                }
                for (int i = 0; i < step.replies(); i++) {
                    replies.add(on.readReply());
                }
            }
        } finally {
            client.close();
            named.values().forEach(RespClient::close);
        }
        return replies;
    }

    private static String clientId(RespClient c) {
        String reply = c.call("CLIENT", "ID");
        return reply.substring(1, reply.length() - 2);
    }

    private static boolean mentions(Scenario.Step step, String text) {
        for (byte[] a : step.args()) {
            if (new String(a, StandardCharsets.UTF_8).equals(text)) {
                return true;
            }
        }
        return false;
    }

    /** Polls INFO clients (replies not recorded) until the server counts {@code n} blocked clients. */
    private static void awaitBlocked(RespClient c, int n, String source) {
        for (int i = 0; i < 1000; i++) {
            if (c.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail("never " + n + " blocked clients at: " + source);
    }

    private static List<byte[]> readTranscript(String name) throws IOException {
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/transcripts/" + name + ".resp.txt")) {
            if (in == null) {
                return null;
            }
            List<byte[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    out.add(Replies.unescape(line));
                }
            }
            return out;
        }
    }

    private static void writeTranscript(String name, List<byte[]> replies) throws IOException {
        Path dir = Path.of(System.getProperty("cinnabar.transcripts", "src/test/resources/transcripts"));
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        for (byte[] r : replies) {
            sb.append(Replies.escape(r)).append('\n');
        }
        Files.writeString(dir.resolve(name + ".resp.txt"), sb.toString(), StandardCharsets.UTF_8);
    }
}
