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

    @Test
    void startsWithABaseAndAnIncrFileAndAppendsCommandsInRedisForm() throws Exception {
        try (CinnabarServer server = server("appendonly", "yes", "appendfsync", "always");
             RespClient c = new RespClient(server.port())) {
            assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                    read("appendonly.aof.manifest"));
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
            assertFalse(Files.exists(dir.resolve("appendonlydir/appendonly.aof.1.incr.aof")));
            assertFalse(Files.exists(dir.resolve("appendonlydir/appendonly.aof.1.base.aof")));
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
}
