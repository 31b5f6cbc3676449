package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The append-only file end to end: files as Redis 7.0 names and writes them, reloaded on restart. */
class AofTest {
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("cinnabar-aof");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private CinnabarServer server(String... config) {
        CinnabarServer.Builder b = CinnabarServer.builder().config("dir", dir.toString())
                .config("enable-debug-command", "yes");
        for (int i = 0; i < config.length; i += 2) {
            b.config(config[i], config[i + 1]);
        }
        return b.build().start();
    }

    private String read(String name) throws IOException {
        return new String(Files.readAllBytes(dir.resolve("appendonlydir").resolve(name)), StandardCharsets.ISO_8859_1);
    }

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    private static void awaitFile(Path p, String expected) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        String got = null;
        while (System.currentTimeMillis() < deadline) {
            got = Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : null;
            if (expected.equals(got)) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(expected, got);
    }

    private static void awaitGone(Path p) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (Files.exists(p) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(p), p.toString());
    }

    @Test
    void startsWithABaseAndAnIncrFileAndAppendsCommandsInRedisForm() throws Exception {
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always");
             RespClient c = new RespClient(server.port())) {
            // aof-use-rdb-preamble yes, Redis's default: the base is an RDB file
            assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    read("appendonly.aof.manifest"));
            assertTrue(read("appendonly.aof.1.base.rdb").startsWith("REDIS0010"));
            assertEquals("+OK\r\n", c.call("SET", "a", "1"));
            assertEquals(":1\r\n", c.call("RPUSH", "l", "x"));
            assertEquals("+OK\r\n", c.call("SELECT", "3"));
            assertEquals(":1\r\n", c.call("INCR", "n"));
            // appendfsync always: acknowledged means on disk
            assertEquals(resp("SELECT", "0") + resp("SET", "a", "1") + resp("RPUSH", "l", "x") + resp("SELECT", "3")
                    + resp("INCR", "n"), read("appendonly.aof.1.incr.aof"));
        }
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
            assertEquals("*1\r\n$1\r\nx\r\n", c.call("LRANGE", "l", "0", "-1"));
            c.call("SELECT", "3");
            assertEquals("$1\r\n1\r\n", c.call("GET", "n"));
        }
    }

    @Test
    void bgrewriteaofWritesANewBaseAndIncrAndDeletesTheOldFiles() throws Exception {
        try (CinnabarServer server = server("appendonly", "yes", "aof-use-rdb-preamble", "no");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "a", "1");
            c.call("HSET", "h", "f", "v");
            c.call("SADD", "s", "1", "2");
            c.call("ZADD", "z", "1.5", "m");
            c.call("SET", "e", "v", "PXAT", "9999999999999");
            String digest = c.call("DEBUG", "DIGEST");
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            Path manifest = dir.resolve("appendonlydir/appendonly.aof.manifest");
            awaitFile(manifest, "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
            awaitGone(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof")); // unlinked in the background
            awaitGone(dir.resolve("appendonlydir/appendonly.aof.1.base.aof"));
            String base = read("appendonly.aof.2.base.aof");
            assertTrue(base.contains(resp("HMSET", "h", "f", "v")), base);
            assertTrue(base.contains(resp("PEXPIREAT", "e", "9999999999999")), base);
            c.call("SET", "b", "2");
            assertFalse(digest.equals(c.call("DEBUG", "DIGEST")));
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void anRdbBaseHoldsTheDataAsTheRdbWriterWritesItWithAofBaseSet() throws Exception {
        String digest;
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "a", "1");
            c.call("HSET", "h", "f", "v");
            c.call("SADD", "s", "1", "2");
            c.call("XADD", "x", "1-1", "f", "v");
            c.call("SET", "e", "v", "PXAT", "9999999999999");
            c.call("SELECT", "2");
            c.call("ZADD", "z", "1.5", "m");
            c.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function(k, a) return 1 end)");
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            Path manifest = dir.resolve("appendonlydir/appendonly.aof.manifest");
            awaitFile(manifest, "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
            awaitGone(dir.resolve("appendonlydir/appendonly.aof.1.base.rdb"));
            String base = read("appendonly.aof.2.base.rdb");
            assertTrue(base.startsWith("REDIS0010"), base);
            assertTrue(base.contains("\u0008aof-base\u00c0\u0001"), base); // AUX aof-base = 1 (an 8-bit int)
            c.call("SET", "after", "1");
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals(":1\r\n", c.call("FCALL", "f", "0"));
        }
    }

    @Test
    void aLegacyAppendonlyFileWithAnRdbPreambleAndACommandTailLoads() throws Exception {
        byte[] rdb;
        String digest;
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "a", "1");
            c.call("RPUSH", "l", "x", "y");
            c.call("BGREWRITEAOF");
            awaitFile(dir.resolve("appendonlydir/appendonly.aof.manifest"),
                    "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
            rdb = Files.readAllBytes(dir.resolve("appendonlydir/appendonly.aof.2.base.rdb"));
            c.call("SET", "tail", "t");
            c.call("LPUSH", "l", "w");
            digest = c.call("DEBUG", "DIGEST");
        }
        removeDir();
        makeDir();
        // Redis 4 to 6 wrote one appendonly.aof: the RDB preamble, then the commands since the rewrite
        byte[] tail = (resp("SELECT", "0") + resp("SET", "tail", "t") + resp("LPUSH", "l", "w"))
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] legacy = java.util.Arrays.copyOf(rdb, rdb.length + tail.length);
        System.arraycopy(tail, 0, legacy, rdb.length, tail.length);
        Files.write(dir.resolve("appendonly.aof"), legacy);
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    read("appendonly.aof.manifest"));
        }
        // a damaged preamble stops startup naming the file
        removeDir();
        makeDir();
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.write(dir.resolve("appendonlydir/appendonly.aof.1.base.rdb"), java.util.Arrays.copyOf(rdb, rdb.length - 3));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"),
                "file appendonly.aof.1.base.rdb seq 1 type b\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server("appendonly", "yes"));
        assertTrue(e.getMessage().contains("bad RDB base file in appendonly.aof.1.base.rdb"), e.getMessage());
    }

    private static void awaitInfo(RespClient c, String line) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!c.call("INFO", "persistence").contains(line + "\r\n")) {
            assertTrue(System.currentTimeMillis() < deadline, "no " + line);
            Thread.sleep(10);
        }
    }

    /** The incr file becomes /dev/full: every write to it fails with ENOSPC. */
    private void incrOnAFullDisk() throws Exception {
        server("appendonly", "yes").close(); // the base and the incr file are created
        Path incr = dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
        Files.delete(incr);
        Files.createSymbolicLink(incr, Path.of("/dev/full"));
    }

    @Test
    void aFailedAofWriteRefusesWritesWithMisconfAsRedis7() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full");
        incrOnAFullDisk();
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals("+OK\r\n", c.call("SET", "a", "1")); // everysec: the reply does not wait for the write
            awaitInfo(c, "aof_last_write_status:err");
            // texts as Redis 7.0.15 answers with its AOF on a full disk
            String misconf = "-MISCONF Errors writing to the AOF file: No space left on device\r\n";
            assertEquals(misconf, c.call("SET", "b", "1"));
            assertEquals(misconf, c.call("PING"));
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
            assertEquals("-MISCONF Errors writing to the AOF file: No space left on device script: "
                    + "ca07b64f186c73f68613407130f7ceb87c038f2e, on @user_script:1.\r\n",
                    c.call("EVAL", "return redis.call('set','y','1')", "0"));
            assertEquals(misconf, c.call("EVAL", "return redis.pcall('set','y','1')", "0"));
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals(misconf, c.call("SET", "b", "1"));
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", c.call("EXEC"));
            // turning the AOF off ends the refusal
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "no"));
            assertEquals("+OK\r\n", c.call("SET", "b", "1"));
            assertTrue(c.call("INFO", "persistence").contains("aof_last_write_status:ok\r\n"));
        }
    }

    @Test
    void underAlwaysAFailedWriteHoldsTheRepliesAndRefusesWritesInsteadOfExiting() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full");
        incrOnAFullDisk();
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always");
             RespClient w = new RespClient(server.port()); RespClient c = new RespClient(server.port());
             RespClient admin = new RespClient(server.port())) {
            // Redis exits here. Embedded, nothing that may reflect the write is answered while it is not on disk
            // (replies stay held), later writes are refused with MISCONF, and turning the AOF off releases them
            w.send(RespClient.encode("SET", "a", "1"));
            Thread.sleep(300);
            c.send(RespClient.encode("SET", "b", "1"));
            Thread.sleep(100);
            assertEquals("+OK\r\n", admin.call("CONFIG", "SET", "appendonly", "no"));
            assertEquals("+OK\r\n", w.readReplyText());
            assertEquals("-MISCONF Errors writing to the AOF file: No space left on device\r\n", c.readReplyText());
            assertEquals("$-1\r\n", c.call("GET", "b"));
        }
    }

    @Test
    void aTruncatedTailIsCutOffWhenAllowedAndRefusedOtherwise() throws Exception {
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
        }
        Path incr = dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
        long whole = Files.size(incr);
        Files.write(incr, "*3\r\n$3\r\nSET\r\n$1\r\nc".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> server("appendonly", "yes", "aof-load-truncated", "no"));
        assertTrue(e.getMessage().contains("appendonly.aof.1.incr.aof"), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + whole), e.getMessage());
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals("$1\r\n2\r\n", c.call("GET", "b"));
            assertEquals("$-1\r\n", c.call("GET", "c"));
        }
        assertEquals(whole, Files.size(incr));
    }

    private static byte[] fixture(String name) throws IOException {
        try (java.io.InputStream in = AofTest.class.getResourceAsStream("/io/cinnabar/server/persist/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theIncrFileHoldsWhatRedis7WritesByteForByte() throws Exception {
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always");
             RespClient c = new RespClient(server.port())) {
            String[][] commands = {
                {"SET", "a", "1"}, {"SET", "b", "2", "PXAT", "4102444800000"}, {"EXPIREAT", "a", "4102444800"},
                {"RPUSH", "l", "1", "2", "3"}, {"LPOP", "l"}, {"MULTI"}, {"SET", "m", "1"}, {"INCR", "m"}, {"EXEC"},
                {"SELECT", "3"}, {"SET", "d", "4"}, {"INCRBYFLOAT", "g", "1.5"}, {"GETDEL", "d"},
                {"HSET", "h", "f", "v"}, {"HINCRBYFLOAT", "h", "n", "2.5"},
                {"EVAL", "redis.call('set','x','y') redis.call('del','a') return 1", "0"}, {"SADD", "s", "a", "b"},
                {"SPOP", "s", "2"}, {"SELECT", "0"}, {"DEL", "a", "nosuch"}, {"SET", "bin\0ary", "v\r\nw"}};
            for (String[] cmd : commands) {
                c.call(cmd);
            }
            // recorded from redis-server 7.0.15 (appendonly yes) for the same commands
            assertEquals(new String(fixture("redis-7.0.15-incr.aof"), StandardCharsets.ISO_8859_1),
                    read("appendonly.aof.1.incr.aof"));
        }
    }

    @Test
    void timestampAnnotationsPrecedeTheFirstCommandOfEachSecond() throws Exception {
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always",
                "aof-timestamp-enabled", "yes");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            String incr = read("appendonly.aof.1.incr.aof");
            assertTrue(incr.matches("#TS:\\d+\r\n\\*2\r\n\\$6\r\nSELECT\r\n(?s).*"), incr);
            server.clock().advance(java.time.Duration.ofSeconds(2));
            c.call("SET", "c", "3");
            incr = read("appendonly.aof.1.incr.aof");
            assertTrue(incr.matches("(?s)#TS:\\d+\r\n.*#TS:\\d+\r\n\\*3\r\n\\$3\r\nSET\r\n\\$1\r\nc\r\n.*"),
                    incr);
        }
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals("$1\r\n3\r\n", c.call("GET", "c")); // annotations are skipped on loading
        }
    }

    private static String aofInfo(RespClient c) {
        String info = c.call("INFO", "persistence");
        return info.substring(info.indexOf("aof_enabled"));
    }

    @Test
    void infoShowsTheAofFieldsAsRedis7() throws Exception {
        try (CinnabarServer server = server(); RespClient c = new RespClient(server.port())) {
            assertEquals("aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n"
                    + "aof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\n"
                    + "aof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\naof_rewrites_consecutive_failures:0\r\n"
                    + "aof_last_write_status:ok\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n"
                    + "module_fork_last_cow_size:0\r\n\r\n", aofInfo(c));
        }
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "a", "1");
            assertEquals("aof_enabled:1\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n"
                    + "aof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\n"
                    + "aof_last_bgrewrite_status:ok\r\naof_rewrites:0\r\naof_rewrites_consecutive_failures:0\r\n"
                    + "aof_last_write_status:ok\r\naof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\n"
                    + "module_fork_last_cow_size:0\r\naof_current_size:50\r\naof_base_size:0\r\n"
                    + "aof_pending_rewrite:0\r\naof_buffer_length:0\r\naof_pending_bio_fsync:0\r\n"
                    + "aof_delayed_fsync:0\r\n\r\n", aofInfo(c));
        }
    }

    @Test
    void configSetAppendonlyYesRewritesTheDataIntoABaseAndNoStops() throws Exception {
        try (CinnabarServer server = server("aof-use-rdb-preamble", "no", "appendfsync", "always");
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "before", "1");
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
            Path manifest = dir.resolve("appendonlydir/appendonly.aof.manifest");
            awaitFile(manifest, "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
            assertEquals(resp("SELECT", "0") + resp("SET", "before", "1"), read("appendonly.aof.1.base.aof"));
            c.call("SET", "after", "2");
            assertEquals(resp("SELECT", "0") + resp("SET", "after", "2"), read("appendonly.aof.1.incr.aof"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "no"));
            c.call("SET", "later", "3");
            assertEquals(resp("SELECT", "0") + resp("SET", "after", "2"), read("appendonly.aof.1.incr.aof"));
            assertTrue(c.call("INFO", "persistence").contains("aof_enabled:0\r\n"));
        }
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "before"));
            assertEquals("$1\r\n2\r\n", c.call("GET", "after"));
            assertEquals("$-1\r\n", c.call("GET", "later"));
        }
    }

    @Test
    void aLegacySingleAppendonlyFileIsMigratedIntoTheDirectory() throws Exception {
        Files.writeString(dir.resolve("appendonly.aof"), resp("SET", "old", "1"), StandardCharsets.ISO_8859_1);
        try (CinnabarServer server = server("appendonly", "yes");
             RespClient c = new RespClient(server.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "old"));
            assertFalse(Files.exists(dir.resolve("appendonly.aof")));
            assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    read("appendonly.aof.manifest"));
        }
    }

    @Test
    void aBadManifestOrAMissingFileStopsStartupNamingIt() throws Exception {
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file x seq 1 type z\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server("appendonly", "yes"));
        assertTrue(e.getMessage().contains("Unknown AOF file type"), e.getMessage());
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file x seq 1 type b\n");
        e = assertThrows(IllegalStateException.class, () -> server("appendonly", "yes"));
        assertTrue(e.getMessage().contains("x"), e.getMessage());
        Files.writeString(dir.resolve("appendonlydir/x"), "+garbage\r\n");
        e = assertThrows(IllegalStateException.class, () -> server("appendonly", "yes"));
        assertTrue(e.getMessage().contains("bad file format reading the append only file x at offset 0"), e.getMessage());
    }

    @Test
    void configSetAppendonlyYesFailsAsRedisWhenTheDirectoryCannotBeMade() throws Exception {
        Files.writeString(dir.resolve("appendonlydir"), "a file in the way");
        try (CinnabarServer server = server(); RespClient c = new RespClient(server.port())) {
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. "
                    + "Check server logs.\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
            assertEquals("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", c.call("CONFIG", "GET", "appendonly"));
            assertTrue(c.call("INFO", "persistence").contains("aof_enabled:0\r\n"));
        }
    }
}
