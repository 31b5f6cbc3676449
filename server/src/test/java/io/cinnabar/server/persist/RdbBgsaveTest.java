package io.cinnabar.server.persist;

import static io.cinnabar.server.persist.RdbFileTest.info;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BGSAVE: a point-in-time snapshot while writes go on, its failures, FLUSHALL, SHUTDOWN and the save points. */
class RdbBgsaveTest {
    @TempDir
    Path dir;

    private CinnabarServer start(Path file, String... config) {
        CinnabarServer.Builder b = CinnabarServer.builder().rdbFile(file).config("enable-debug-command", "yes");
        for (int i = 0; i + 1 < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        return b.build().start();
    }

    private static void awaitBgsave(RespClient c) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (info(c, "rdb_bgsave_in_progress").equals("1")) {
            assertTrue(System.currentTimeMillis() < deadline, "BGSAVE never ended");
            sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes of every kind to existing, deleted and new keys (the codec's types too once they serialize). */
    static String[] randomWrite(SplittableRandom r, int keys) {
        String key = "k:" + r.nextInt(keys * 2);
        String other = "k:" + r.nextInt(keys * 2);
        int kind = r.nextInt(26);
        return switch (kind) {
            case 0 -> new String[] {"SET", key, "new" + r.nextInt()};
            case 1 -> new String[] {"DEL", key};
            case 2 -> new String[] {"APPEND", key, "+"};
            case 3 -> new String[] {"INCR", "counter:" + r.nextInt(50)};
            case 4 -> new String[] {"PEXPIRE", key, Integer.toString(100_000 + r.nextInt(100_000))};
            case 5 -> new String[] {"PERSIST", key};
            case 6 -> new String[] {"RENAME", key, other};
            case 7 -> new String[] {"SETRANGE", key, "2", "xyz"};
            case 8 -> new String[] {"GETDEL", key};
            case 9 -> new String[] {"MOVE", key, Integer.toString(r.nextInt(4))};
            case 10 -> new String[] {"COPY", key, other, "REPLACE"};
            case 11 -> new String[] {"SELECT", Integer.toString(r.nextInt(4))};
            case 12 -> new String[] {"SET", key, "v", "KEEPTTL", "GET"};
            case 13 -> new String[] {"GETEX", key, "PERSIST"};
            case 14 -> new String[] {"MSET", key, "m1", other, "m2"};
            case 15 -> new String[] {"SWAPDB", Integer.toString(r.nextInt(4)), Integer.toString(r.nextInt(4))};
            case 16 -> new String[] {"EVAL", "redis.call('set', KEYS[1], 'lua') return redis.call('del', KEYS[2])",
                "2", key, other};
            case 17 -> new String[] {"INCRBYFLOAT", "float:" + r.nextInt(20), "1.5"};
            case 18 -> r.nextInt(40) == 0 ? new String[] {"FLUSHDB"} : new String[] {"SETNX", key, "nx"};
            case 19 -> new String[] {"HSET", key, "f" + r.nextInt(5), "v"};
            case 20 -> new String[] {"LPUSH", key, "e"};
            case 21 -> new String[] {"SADD", key, "m" + r.nextInt(5)};
            case 22 -> new String[] {"ZADD", key, "1", "m" + r.nextInt(5)};
            case 23 -> new String[] {"LPOP", key};
            case 24 -> new String[] {"SPOP", key};
            default -> new String[] {"XADD", key, "*", "f", "v"};
        };
    }

    @Test
    void bgsaveIsAPointInTimeSnapshotWhileWritesGoOn() {
        Path file = dir.resolve("dump.rdb");
        String digest;
        int writes = 0;
        // one key per slice, each slice a separate executor task, slowed down until enough writes overlapped it
        // (how many fit in a fixed delay depends on the machine's load), then at full speed
        try (CinnabarServer s = start(file, "rdb-key-save-delay", "200");
             RespClient c = new RespClient(s.port()); RespClient w = new RespClient(s.port())) {
            RdbDataSets.load(c, RdbDataSets.commands(11, 4000));
            c.send(RespClient.encode("DEBUG", "DIGEST"));
            c.send(RespClient.encode("BGSAVE"));
            digest = new String(c.readReply(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals("+Background saving started\r\n", new String(c.readReply(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("-ERR Background save already in progress\r\n", c.call("BGSAVE"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("BGSAVE", "SCHEDULE"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("SAVE"));
            SplittableRandom r = new SplittableRandom(5);
            while (info(c, "rdb_bgsave_in_progress").equals("1")) {
                for (int i = 0; i < 20; i++) {
                    String reply = w.call(randomWrite(r, 4000));
                    assertFalse(reply.startsWith("-ERR internal"), reply);
                    writes++;
                }
                if (writes == 600) {
                    assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
                }
            }
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertEquals("1", info(c, "rdb_saves"));
            assertFalse(digest.equals(c.call("DEBUG", "DIGEST")), "the writes changed the data set");
        }
        assertTrue(writes > 500, "only " + writes + " writes during the save");
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"), "after " + writes + " writes");
        }
    }

    @Test
    void flushallKillsABackgroundSaveAndSavesWithSavePoints() throws IOException {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file, "rdb-key-save-delay", "100"); RespClient c = new RespClient(s.port())) {
            c.call("SET", "old", "1");
            assertEquals("+OK\r\n", c.call("SAVE"));
            byte[] before = Files.readAllBytes(file);
            RdbDataSets.load(c, RdbDataSets.commands(3, 2000));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            awaitBgsave(c);
            assertEquals("ok", info(c, "rdb_last_bgsave_status")); // killed, not failed
            assertArrayEquals(before, Files.readAllBytes(file)); // no save points: the old file stays
            c.call("SET", "a", "1");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "save", "3600 1"));
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
        }
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(":0\r\n", c.call("DBSIZE")); // FLUSHALL saved the empty data set
        }
    }

    @Test
    void aFailedBackgroundSaveStopsWritesWithMisconf() throws IOException {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file, "save", "3600 1"); RespClient c = new RespClient(s.port())) {
            Files.createDirectories(file.resolve("in-the-way")); // the rename onto a non-empty directory fails
            c.call("SET", "k", "v");
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitBgsave(c);
            assertEquals("err", info(c, "rdb_last_bgsave_status"));
            String misconf = "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                    + "to disk. Commands that may modify the data set are disabled, because this instance is "
                    + "configured to report errors during writes if RDB snapshotting fails "
                    + "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
                    + "error.\r\n";
            assertEquals(misconf, c.call("SET", "k", "w"));
            assertEquals(misconf, c.call("PING"));
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals(misconf.replace("-MISCONF", "-MISCONF"), c.call("DEL", "k"));
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", c.call("EXEC"));
            assertEquals("-ERR\r\n", c.call("SAVE"));
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.call("SHUTDOWN"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no"));
            assertEquals("+OK\r\n", c.call("SET", "k", "w"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"));
            Files.delete(file.resolve("in-the-way"));
            Files.delete(file);
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            awaitBgsave(c);
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
            assertEquals("+OK\r\n", c.call("SET", "k", "x"));
        }
        assertFalse(Files.exists(dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb")));
    }

    @Test
    void shutdownSavesAsRedisDecides() throws Exception {
        Path file = dir.resolve("dump.rdb");
        CinnabarServer s = start(file, "save", "3600 1");
        try (RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            c.send(RespClient.encode("SHUTDOWN"));
            s.awaitStop();
        }
        assertTrue(Files.exists(file));
        Files.delete(file);
        s = start(file, "save", "3600 1");
        try (RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            c.send(RespClient.encode("SHUTDOWN", "NOSAVE"));
            s.awaitStop();
        }
        assertFalse(Files.exists(file));
        s = start(file);
        try (RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            c.send(RespClient.encode("SHUTDOWN", "SAVE", "NOW"));
            s.awaitStop();
        }
        assertTrue(Files.exists(file));
    }

    @Test
    void savePointsStartABackgroundSave() {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file, "save", "10 2"); RespClient c = new RespClient(s.port())) {
            c.call("SET", "a", "1");
            s.clock().advance(java.time.Duration.ofSeconds(20));
            sleep(300);
            assertEquals("0", info(c, "rdb_saves")); // one change is not enough
            c.call("SET", "b", "1");
            long deadline = System.currentTimeMillis() + 5000;
            while (!info(c, "rdb_saves").equals("1")) {
                assertTrue(System.currentTimeMillis() < deadline);
                sleep(20);
            }
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
            assertTrue(Files.exists(file));
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals("+QUEUED\r\n", c.call("BGSAVE"));
            assertEquals("*1\r\n+Background saving scheduled\r\n", c.call("EXEC"));
            assertEquals("-ERR syntax error\r\n", c.call("BGSAVE", "NOW"));
        }
    }

    @Test
    void keysCreatedOrRecreatedDuringTheSaveAreGivenOnceWithTheirOldValue() {
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file, "rdb-key-save-delay", "200"); RespClient c = new RespClient(s.port())) {
            for (int i = 0; i < 200; i++) {
                c.call("SET", "key" + i, "old" + i);
            }
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            for (int i = 0; i < 200; i++) {
                c.call("DEL", "key" + i);
                c.call("SET", "key" + i, "new" + i);
                c.call("SET", "fresh" + i, "x");
            }
            awaitBgsave(c);
        }
        try (CinnabarServer s = start(file); RespClient c = new RespClient(s.port())) {
            assertEquals(":200\r\n", c.call("DBSIZE"));
            for (int i = 0; i < 200; i += 37) {
                assertEquals("$" + ("old" + i).length() + "\r\nold" + i + "\r\n", c.call("GET", "key" + i));
            }
        }
    }

    /** The BGSAVE writer thread runs at nice 10 (BackgroundPriority) where Linux and renice allow it. */
    @Test
    void theBackgroundWriterThreadRunsAtALowerPriority() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.util.stream.Stream.of("/usr/bin/renice", "/bin/renice").anyMatch(f -> Files.exists(Path.of(f))),
                "no renice");
        Path file = dir.resolve("dump.rdb");
        try (CinnabarServer s = start(file, "rdb-key-save-delay", "2000"); RespClient c = new RespClient(s.port())) {
            for (int i = 0; i < 200; i++) {
                c.call("SET", "key" + i, "v");
            }
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            String nice = null;
            long deadline = System.currentTimeMillis() + 10_000;
            while (!"10".equals(nice) && System.currentTimeMillis() < deadline) {
                sleep(20);
                nice = niceOf("cinnabar-rdb-wr");
            }
            assertEquals("10", nice);
            assertEquals("0", niceOf("cinnabar-execut"), "the executor keeps its priority");
        }
    }

    /** The nice value of a thread of this process by its (15-character) name, or null. */
    private static String niceOf(String comm) throws IOException {
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).trim().equals(comm)) {
                        String stat = Files.readString(t.resolve("stat"));
                        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]; // field 19 of stat
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return null;
    }
}
