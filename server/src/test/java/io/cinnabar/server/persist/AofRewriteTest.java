package io.cinnabar.server.persist;

import static io.cinnabar.server.persist.RdbFileTest.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BGREWRITEAOF on the point-in-time snapshot: writes of every type during a slow rewrite, the base and the incr file
 * reload to the live data set; one snapshot at a time with BGSAVE, with Redis 7.0's replies and scheduling.
 */
class AofRewriteTest {
    @TempDir
    Path dir;

    private CinnabarServer start(String... config) {
        CinnabarServer.Builder b = CinnabarServer.builder().config("dir", dir.toString())
                .config("enable-debug-command", "yes").config("appendonly", "yes");
        for (int i = 0; i + 1 < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        return b.build().start();
    }

    private static void await(RespClient c, String field, String value) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!info(c, field).equals(value)) {
            assertTrue(System.currentTimeMillis() < deadline, field + " never became " + value);
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

    @Test
    void anRdbBaseRewrittenUnderConcurrentWritesReloadsToTheLiveData() {
        rewriteUnderWrites("yes");
    }

    @Test
    void aCommandBaseRewrittenUnderConcurrentWritesReloadsToTheLiveData() {
        rewriteUnderWrites("no");
    }

    private void rewriteUnderWrites(String preamble) {
        String digest;
        int writes = 0;
        // one key per slice, each slice a separate executor task, slowed down until enough writes overlapped it
        // (how many fit in a fixed delay depends on the machine's load), then at full speed
        try (CinnabarServer s = start("rdb-key-save-delay", "200", "aof-use-rdb-preamble", preamble);
             RespClient c = new RespClient(s.port()); RespClient w = new RespClient(s.port())) {
            RdbDataSets.load(c, RdbDataSets.commands(11, 4000));
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            assertEquals("-ERR Background append only file rewriting already in progress\r\n", c.call("BGREWRITEAOF"));
            SplittableRandom r = new SplittableRandom(7);
            while (info(c, "aof_rewrite_in_progress").equals("1")) {
                for (int i = 0; i < 20; i++) {
                    String reply = w.call(RdbBgsaveTest.randomWrite(r, 4000));
                    assertFalse(reply.startsWith("-ERR internal"), reply);
                    writes++;
                }
                if (writes == 600) {
                    assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
                }
            }
            assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
            assertTrue(Files.exists(dir.resolve("appendonlydir/appendonly.aof.2.base."
                    + (preamble.equals("yes") ? "rdb" : "aof"))));
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"), "after " + writes + " writes");
        }
        assertTrue(writes > 500, "only " + writes + " writes during the rewrite");
        try (CinnabarServer s = start(); RespClient c = new RespClient(s.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void oneSnapshotAtATimeWithRedisRepliesAndTheOtherStartsWhenOneEnds() {
        try (CinnabarServer s = start("rdb-key-save-delay", "200", "rdbchecksum", "yes");
             RespClient c = new RespClient(s.port())) {
            for (int i = 0; i < 1000; i++) {
                c.call("SET", "k" + i, "v");
            }
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            assertEquals("-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
                    + "order to schedule a BGSAVE whenever possible.\r\n", c.call("BGSAVE"));
            assertEquals("0", info(c, "rdb_bgsave_in_progress"));
            assertEquals("+Background saving scheduled\r\n", c.call("BGSAVE", "SCHEDULE"));
            assertEquals("1000", info(c, "current_save_keys_total"));
            // FLUSHALL stops a BGSAVE only: the rewrite goes on with the data as it was, the incr file has FLUSHALL
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertEquals("1", info(c, "aof_rewrite_in_progress"));
            c.call("SET", "after", "flush");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
            await(c, "aof_rewrite_in_progress", "0");
            await(c, "rdb_saves", "1"); // the scheduled BGSAVE started from the cron and finished
            assertEquals("ok", info(c, "aof_last_bgrewrite_status"));
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(":1\r\n", c.call("DBSIZE"));

            // the other way round: BGREWRITEAOF while a BGSAVE runs is scheduled
            for (int i = 0; i < 1000; i++) {
                c.call("SET", "k" + i, "v");
            }
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "200"));
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            assertEquals("+Background append only file rewriting scheduled\r\n", c.call("BGREWRITEAOF"));
            assertEquals("+Background append only file rewriting scheduled\r\n", c.call("BGREWRITEAOF"));
            assertEquals("-ERR Background save already in progress\r\n", c.call("BGSAVE"));
            assertEquals("1", info(c, "aof_rewrite_scheduled"));
            assertEquals("0", info(c, "aof_rewrite_in_progress"));
            assertTrue(c.call("INFO", "persistence").contains("aof_pending_rewrite:1\r\n"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
            await(c, "aof_rewrites", "2");
            await(c, "aof_rewrite_in_progress", "0");
            assertEquals("0", info(c, "aof_rewrite_scheduled"));
            String digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void configSetAppendonlyYesDuringABgsaveSchedulesTheRewrite() {
        try (CinnabarServer s = CinnabarServer.builder().config("dir", dir.toString())
                .config("enable-debug-command", "yes").config("rdb-key-save-delay", "200").build().start();
             RespClient c = new RespClient(s.port())) {
            for (int i = 0; i < 500; i++) {
                c.call("SET", "k" + i, "v");
            }
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
            assertEquals("1", info(c, "aof_enabled"));
            assertEquals("1", info(c, "aof_rewrite_scheduled"));
            assertEquals("0", info(c, "aof_rewrite_in_progress"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
            await(c, "aof_rewrites", "1");
            await(c, "aof_rewrite_in_progress", "0");
            c.call("SET", "more", "1");
            String digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }
}
