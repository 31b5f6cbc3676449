package io.cinnabar.server.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ConfigTest {
    /** Where Cinnabar's default deliberately or necessarily differs from a redis-server started bare. */
    private static final Map<String, String> CINNABAR_DEFAULTS = Map.of(
            "bind", Config.DEFAULT_BIND,                  // an embedded server stays on loopback
            "save", "",                                   // no RDB persistence yet, so no save points
            "dir", Path.of("").toAbsolutePath().toString()); // the process's working directory, as Redis's getcwd

    /** CONFIG GET * of a bare redis-server 7.0.15 (the packaged one, built with TLS), port put back to 6379. */
    private static Map<String, String> recordedDefaults() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (InputStream in = ConfigTest.class.getResourceAsStream("redis-7.0.15-config-defaults.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int tab = line.indexOf('\t');
                out.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return out;
    }

    private static String set(Config c, String name, String value) {
        try {
            c.find(name).setFromCommand(value);
            return "OK";
        } catch (Config.InvalidValue e) {
            return e.getMessage();
        }
    }

    @Test
    void listsExactlyTheNamesRedisListsForConfigGetStar() throws IOException {
        Set<String> ours = new TreeSet<>();
        for (Map.Entry<String, ConfigParam> e : new Config().namesAndAliases().entrySet()) {
            if (!e.getValue().hidden()) {
                ours.add(e.getKey());
            }
        }
        assertEquals(192, recordedDefaults().size());
        assertEquals(recordedDefaults().keySet(), ours);
    }

    @Test
    void defaultsAreRedisDefaultsExceptTheListedOnes() throws IOException {
        Config c = new Config();
        for (Map.Entry<String, String> e : recordedDefaults().entrySet()) {
            String expected = CINNABAR_DEFAULTS.getOrDefault(e.getKey(), e.getValue());
            if (e.getKey().equals("dir")) {
                assertEquals(Path.of(expected).toRealPath().toString(), c.find("dir").get());
            } else {
                assertEquals(expected, c.find(e.getKey()).get(), e.getKey());
            }
        }
    }

    @Test
    void hiddenParametersAnswerOnlyByExactName() {
        Config c = new Config();
        for (String name : List.of("watchdog-period", "rdb-key-save-delay", "key-load-delay", "use-exit-on-panic",
                "loading-process-events-interval-bytes")) {
            assertTrue(c.find(name).hidden(), name);
        }
        assertEquals("2097152", c.find("loading-process-events-interval-bytes").get());
    }

    @Test
    void numbersFollowRedisParsingBoundsAndTexts() {
        Config c = new Config();
        assertEquals("argument couldn't be parsed into an integer", set(c, "hz", "+5"));
        assertEquals("argument couldn't be parsed into an integer", set(c, "hz", "05"));
        assertEquals("argument couldn't be parsed into an integer", set(c, "hz", "1gb"));
        assertEquals("argument must be between 0 and 2147483647 inclusive", set(c, "timeout", "2147483648"));
        assertEquals("argument must be between 1 and 4294967295 inclusive", set(c, "maxclients", "-1"));
        assertEquals("argument must be between 0 and 9223372036854775807 inclusive",
                set(c, "hash-max-listpack-entries", "-1"));
        assertEquals("argument must be a memory value", set(c, "hash-max-listpack-value", "-1"));
        assertEquals("argument must be a memory value", set(c, "hash-max-listpack-value", "1.5gb"));
        assertEquals("OK", set(c, "hash-max-listpack-value", "1KB"));
        assertEquals("1024", c.find("hash-ziplist-value".replace("ziplist", "max-ziplist")).get());
        assertEquals("OK", set(c, "list-max-ziplist-size", "-5"));
        assertEquals("-5", c.find("list-max-listpack-size").get());
        assertEquals("OK", set(c, "proto-max-bulk-len", "1mb"));
        assertEquals("argument must be between 1048576 and 9223372036854775807 inclusive",
                set(c, "proto-max-bulk-len", "1000"));
        assertEquals("OK", set(c, "hz", "1000"));
        assertEquals("500", c.find("hz").get());
        assertEquals("argument must be a memory or percent value", set(c, "maxmemory-clients", "x"));
        assertEquals("percentage argument must be less or equal to 100", set(c, "maxmemory-clients", "101%"));
        assertEquals("maxmemory-clients (client eviction) is not supported by Cinnabar yet",
                set(c, "maxmemory-clients", "10%"));
        assertEquals("OK", set(c, "maxmemory", "0gb"));
        assertEquals("argument must be a memory value", set(c, "maxmemory", " 1"));
        assertEquals("maxmemory (eviction) is not supported by Cinnabar yet", set(c, "maxmemory", "1gb"));
        assertEquals("maxmemory (eviction) is not supported by Cinnabar yet",
                set(c, "maxmemory", "18446744073709551616")); // saturates, as strtoull
        assertEquals("0", c.find("maxmemory").get());
    }

    @Test
    void enumsBoolsAndFlags() {
        Config c = new Config();
        assertEquals("argument must be 'yes' or 'no'", set(c, "protected-mode", "maybe"));
        assertEquals("OK", set(c, "lazyfree-lazy-user-del", "YES"));
        assertEquals("yes", c.find("lazyfree-lazy-user-del").get());
        assertEquals("argument(s) must be one of the following: debug, verbose, notice, warning",
                set(c, "loglevel", "notice warning"));
        assertEquals("OK", set(c, "loglevel", "WARNING"));
        assertEquals("warning", c.loglevel());
        assertEquals("OK", set(c, "shutdown-on-sigint", "force now nosave"));
        assertEquals("nosave now force", c.find("shutdown-on-sigint").get());
        assertEquals("shutdown options SAVE and NOSAVE can't be used simultaneously",
                set(c, "shutdown-on-sigint", "save nosave"));
        assertEquals("OK", set(c, "shutdown-on-sigterm", "save"));
        assertEquals("LFU access-frequency tracking is not supported by Cinnabar yet",
                set(c, "maxmemory-policy", "allkeys-lfu"));
        assertEquals("OK", set(c, "maxmemory-policy", "allkeys-lru"));
        assertEquals("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", set(c, "notify-keyspace-events", "Kq"));
        assertEquals("OK", set(c, "notify-keyspace-events", "KEA"));
        assertEquals("AKE", c.find("notify-keyspace-events").get());
    }

    @Test
    void specialParameters() {
        Config c = new Config();
        assertEquals("Invalid save parameters", set(c, "save", "100"));
        assertEquals("Invalid save parameters", set(c, "save", "3600 1  300 100"));
        assertEquals("OK", set(c, "save", "3600 1"));
        assertEquals("3600 1", c.find("save").get());
        assertEquals("OK", set(c, "save", ""));
        assertEquals("Wrong number of arguments in buffer limit configuration.",
                set(c, "client-output-buffer-limit", "normal 1 2"));
        assertEquals("Invalid client class specified in buffer limit configuration.",
                set(c, "client-output-buffer-limit", "master 1 2 3"));
        assertEquals("Error in hard, soft or soft_seconds setting in buffer limit configuration.",
                set(c, "client-output-buffer-limit", "normal 1 2 -3"));
        assertEquals("OK", set(c, "client-output-buffer-limit", "replica 1mb 2k 3 pubsub 1 1 1"));
        assertEquals("normal 0 0 0 slave 1048576 2000 3 pubsub 1 1 1", c.find("client-output-buffer-limit").get());
        assertEquals("OK", set(c, "client-output-buffer-limit", "normal 1 2 3"));
        assertEquals("normal 1 2 3 slave 1048576 2000 3 pubsub 1 1 1", c.find("client-output-buffer-limit").get());
        assertArrayEquals(new long[] {1, 2, 3, 1048576, 2000, 3, 1, 1, 1}, c.outputBufferLimits());
        assertEquals("wrong number of arguments", set(c, "oom-score-adj-values", "1 2"));
        assertEquals("Invalid oom-score-adj-values, elements must be between -2000 and 2000.",
                set(c, "oom-score-adj-values", "1 2 3000"));
        assertEquals("OK", set(c, "oom-score-adj-values", "100 20 30"));
        assertEquals("OK", set(c, "latency-tracking-info-percentiles", "1.5 99.99 0.0001"));
        assertEquals("1.5 99.99 0.0001", c.find("latency-tracking-info-percentiles").get());
        assertEquals("Invalid latency-tracking-info-percentiles parameters",
                set(c, "latency-tracking-info-percentiles", "50 x"));
        assertEquals("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
                set(c, "latency-tracking-info-percentiles", "50 101"));
        assertEquals("template format is invalid or contains unknown variables", set(c, "proc-title-template", "{title}"));
        assertEquals("OK", set(c, "proc-title-template", "{title} {port}"));
        assertEquals("Hostnames may only contain alphanumeric characters, hyphens or dots",
                set(c, "cluster-announce-hostname", "a_b"));
        assertEquals("dbfilename can't be a path, just a filename", set(c, "dbfilename", "a/b"));
        assertEquals("No such file or directory", set(c, "dir", "/nonexistent-dir"));
        assertEquals("changing port on a running server is not supported by Cinnabar yet", set(c, "port", "7000"));
        assertEquals("6379", c.find("port").get());
    }

    @Test
    void startupSetsImmutablesAndSplitsMultiArgumentValues() throws Exception {
        Config c = new Config();
        c.set("databases", "4");
        c.set("port", "7000");
        c.set("bind", "127.0.0.1 -::1");
        c.set("save", "");
        c.set("unixsocketperm", "700");
        assertEquals(4, c.databases());
        assertEquals("127.0.0.1 -::1", c.bind());
        assertEquals("700", c.find("unixsocketperm").get());
        assertEquals("argument must be between 0 and 777 inclusive",
                assertThrows(Config.InvalidValue.class, () -> c.set("unixsocketperm", "1000")).getMessage());
        assertEquals("argument couldn't be parsed as an octal number",
                assertThrows(Config.InvalidValue.class, () -> c.set("unixsocketperm", "8")).getMessage());
        assertEquals("daemonize yes is not supported by Cinnabar yet",
                assertThrows(Config.InvalidValue.class, () -> c.set("daemonize", "yes")).getMessage());
    }

    @Test
    void rewriteKeepsLinesReplacesValuesAndAppendsDifferences() throws Exception {
        Config c = new Config();
        c.set("hz", "30");
        c.set("maxmemory-policy", "allkeys-lru");
        c.set("client-output-buffer-limit", "pubsub 1mb 2kb 3");
        c.set("requirepass", "a\"b");
        c.set("hash-max-listpack-value", "2048");
        String old = "# my comment\nport 6397\n  hz 20\nslave-read-only yes\nsave 100 1\nsave 200 2\n\n"
                + "maxmemory 1mb\n\n\nloglevel notice\nbogus 1\ninclude /x.conf\n";
        String dir = c.dir();
        assertEquals("# my comment\nport 6379\nhz 30\nreplica-read-only yes\nsave \"\"\n\nmaxmemory 0\n\n"
                + "loglevel notice\n# ??? bogus 1\ninclude /x.conf\n\n# Generated by CONFIG REWRITE\n"
                + "requirepass \"a\\\"b\"\n"
                + "maxmemory-policy allkeys-lru\n"
                + "hash-max-listpack-value 2kb\n"
                + "dir \"" + dir + "\"\n"
                + "client-output-buffer-limit pubsub 1mb 2kb 3\n"
                + "latency-tracking-info-percentiles 50 99 99.9\n"
                + "user default on #39a012772dd5c3accbc56923093422896d41ac882e3cd66914bc584c7aac966f ~* &* +@all\n",
                c.rewrite(old));
    }

    @Test
    void everyParameterEitherTakesAValueOrRefusesItWithAReasonAndShowsWhatItKeeps() {
        String[] values = {"", " ", "0", "-1", "1", "7", "yes", "NO", "x", "1gb", "18446744073709551616",
            "-9223372036854775808", "9223372036854775807", "100%", "-5%", "\"", "a b", "1 2 3", "normal 1 2 3",
            "pubsub 1mb 1mb 0", "{", "}", "{{", "{title} x", "/tmp", "local", "50 99", "KEA", "g", "save", "now force",
            "07", "0777", "1e3", "99999999999999999999999999", "A".repeat(300), "no one", "host 6379", "3600 1",
            "noeviction", "everysec", "127.0.0.1 ::1"};
        Config c = new Config();
        for (ConfigParam p : c.all()) {
            for (String v : values) {
                String before = p.get();
                try {
                    p.setFromCommand(v);
                    p.setFromCommand(p.get()); // what CONFIG GET shows, CONFIG SET takes back unchanged
                } catch (Config.InvalidValue e) {
                    assertTrue(!e.getMessage().isEmpty() && !e.getMessage().contains("Exception"), p.name() + " " + v);
                    assertEquals(before, p.get(), "a refused value changes nothing: " + p.name() + " " + v);
                } catch (RuntimeException e) {
                    throw new AssertionError(p.name() + " '" + v + "': " + e, e);
                }
                try {
                    p.setFromFile(List.of(v));
                } catch (Config.InvalidValue e) {
                    assertTrue(!e.getMessage().isEmpty(), p.name() + " " + v);
                } catch (RuntimeException e) {
                    throw new AssertionError("startup " + p.name() + " '" + v + "': " + e, e);
                }
            }
        }
    }
}
