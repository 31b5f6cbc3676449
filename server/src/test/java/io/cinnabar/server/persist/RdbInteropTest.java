package io.cinnabar.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files both ways with real Redis 7.0: ours pass redis-check-rdb and load into redis-server with the same DEBUG
 * DIGEST, and Redis's dump.rdb loads here with the same digest. Live when redis-server is on the PATH; the recorded
 * fixtures (dumps Redis 7.0.15 wrote, with their digests) load either way.
 */
class RdbInteropTest {
    @TempDir
    Path dir;

    static boolean redisAvailable() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 && out.contains("v=7.0.");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** A real redis-server on a free port, serving {@code dir}/{@code file}. */
    private static final class Redis implements AutoCloseable {
        final Process process;
        final int port;

        Redis(Path dir, String file) throws IOException, InterruptedException {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--dbfilename", file, "--save", "", "--appendonly", "no",
                    "--enable-debug-command", "yes", "--logfile", dir.resolve("redis.log").toString())
                    .redirectErrorStream(true).start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                        throw new IOException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
                    }
                    Thread.sleep(20);
                }
            }
            // wait for the load to end
            try (RespClient c = new RespClient(port)) {
                while (c.call("PING").startsWith("-LOADING")) {
                    Thread.sleep(20);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            try (RespClient c = new RespClient(port)) {
                c.send(RespClient.encode("SHUTDOWN", "NOSAVE"));
            } catch (RuntimeException ignored) {
                // already gone
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String checkRdb(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void ourFilesPassRedisCheckRdbAndLoadIntoRedisWithTheSameDigest() throws Exception {
        assumeTrue(redisAvailable(), "redis-server 7.0 is not on the PATH");
        List<String[]> data = RdbDataSets.commands(99, 3000);
        Path file = dir.resolve("ours.rdb");
        String digest;
        try (CinnabarServer s = CinnabarServer.builder().rdbFile(file).config("enable-debug-command", "yes")
                .build().start(); RespClient c = new RespClient(s.port())) {
            RdbDataSets.load(c, data);
            c.call("FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('one', function() return 1 end)");
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        String report = checkRdb(file);
        assertTrue(report.contains("RDB looks OK!"), report);
        try (Redis redis = new Redis(dir, "ours.rdb"); RespClient c = new RespClient(redis.port)) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals(":1\r\n", c.call("FCALL", "one", "0"));
        }
    }

    @Test
    void redisFilesLoadHereWithTheSameDigest() throws Exception {
        assumeTrue(redisAvailable(), "redis-server 7.0 is not on the PATH");
        List<String[]> data = RdbDataSets.commands(123, 3000);
        String digest;
        try (Redis redis = new Redis(dir, "theirs.rdb"); RespClient c = new RespClient(redis.port)) {
            RdbDataSets.load(c, data);
            c.call("FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('one', function() return 1 end)");
            digest = c.call("DEBUG", "DIGEST");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        try (CinnabarServer s = CinnabarServer.builder().rdbFile(dir.resolve("theirs.rdb"))
                .config("enable-debug-command", "yes").build().start(); RespClient c = new RespClient(s.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals(":1\r\n", c.call("FCALL", "one", "0"));
        }
    }

    /** A dump Redis 7.0.15 wrote (strings, expiries, two databases, a function library), with its digest. */
    @Test
    void aRecordedRedisDumpLoads() throws Exception {
        Path file = dir.resolve("dump.rdb");
        try (InputStream in = getClass().getResourceAsStream("redis-7.0.15-strings.rdb")) {
            Files.copy(in, file);
        }
        String expected;
        try (InputStream in = getClass().getResourceAsStream("redis-7.0.15-strings.digest")) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        try (CinnabarServer s = CinnabarServer.builder().rdbFile(file).config("enable-debug-command", "yes")
                .build().start(); RespClient c = new RespClient(s.port())) {
            assertEquals("+" + expected + "\r\n", c.call("DEBUG", "DIGEST"));
            assertEquals(":1\r\n", c.call("FCALL", "one", "0"));
        }
    }
}
