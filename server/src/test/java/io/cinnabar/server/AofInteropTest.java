package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * AOF directories go both ways with a live Redis 7.0 (skipped without {@code redis-server} on PATH): each server
 * loads the other's files with the same DEBUG DIGEST, and {@code redis-check-aof} accepts ours; with Redis's default
 * RDB bases (aof-use-rdb-preamble yes) and with plain-command bases.
 */
class AofInteropTest {
    private static String onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static final String[][] DATA = {
        {"SET", "s", "v"}, {"SET", "n", "12345"}, {"SET", "t", "x", "PXAT", "4102444800000"},
        {"RPUSH", "l", "a", "b", "c"}, {"SADD", "ints", "1", "2", "3"}, {"SADD", "strs", "x", "y"},
        {"ZADD", "z", "1.5", "a", "-2", "b"}, {"HSET", "h", "f", "v", "g", "w"}, {"INCRBYFLOAT", "f", "2.5"},
        {"XADD", "st", "1-1", "a", "b"}, {"XADD", "st", "2-1", "c", "d"}, {"XGROUP", "CREATE", "st", "g", "0"},
        {"XGROUP", "CREATECONSUMER", "st", "g", "idle"}, {"XREADGROUP", "GROUP", "g", "c", "COUNT", "1",
        "STREAMS", "st", ">"}, {"XDEL", "st", "2-1"}, {"SELECT", "5"}, {"SET", "db5", "1"}, {"SELECT", "0"},
        {"FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function(k, a) return 1 end)"}};

    @Test
    void aofDirectoriesWithRdbBasesLoadEitherWayWithTheSameDigest() throws Exception {
        roundTrip(true);
    }

    @Test
    void aofDirectoriesWithCommandBasesLoadEitherWayWithTheSameDigest() throws Exception {
        roundTrip(false);
    }

    /**
     * Redis writes a data set of every type and encoding and rewrites its AOF; we load its directory, rewrite it
     * ourselves and write more; Redis loads the result. DEBUG DIGEST is the same at each step.
     */
    private void roundTrip(boolean preamble) throws Exception {
        String redisServer = onPath("redis-server");
        Assumptions.assumeTrue(redisServer != null, "redis-server is not on PATH");
        String yesNo = preamble ? "yes" : "no";
        String base = preamble ? "appendonly.aof.2.base.rdb" : "appendonly.aof.2.base.aof";
        Path dir = Files.createTempDirectory("cinnabar-aof-interop");
        Path aofDir = dir.resolve("appendonlydir");
        try {
            String digest;
            Process redis = startRedis(redisServer, dir, yesNo);
            try (RespClient r = new RespClient(port)) {
                Assumptions.assumeTrue(r.call("INFO", "server").contains("redis_version:7.0."), "not Redis 7.0");
                for (String[] cmd : DATA) {
                    r.call(cmd);
                }
                // every type and encoding, small and large, with expiries, in several databases
                io.cinnabar.server.persist.RdbDataSets.load(r, io.cinnabar.server.persist.RdbDataSets.commands(17,
                        1500));
                r.call("BGREWRITEAOF");
                awaitRewrite(r, 1);
                assertTrue(Files.exists(aofDir.resolve(base)), base);
                r.call("SET", "after", "rewrite");
                digest = r.call("DEBUG", "DIGEST");
                shutdown(r);
            } finally {
                redis.waitFor(10, TimeUnit.SECONDS);
                redis.destroyForcibly();
            }
            // Redis's directory loads here; our own rewrite replaces its base
            try (CinnabarServer server = CinnabarServer.builder().config("dir", dir.toString())
                    .config("appendonly", "yes").config("aof-use-rdb-preamble", yesNo)
                    .config("enable-debug-command", "yes").build().start();
                 RespClient c = new RespClient(server.port())) {
                assertEquals(digest, c.call("DEBUG", "DIGEST"));
                assertEquals(":1\r\n", c.call("FCALL", "f", "0"));
                assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
                awaitRewrite(c, 1);
                String ours = preamble ? "appendonly.aof.3.base.rdb" : "appendonly.aof.3.base.aof";
                assertTrue(Files.exists(aofDir.resolve(ours)), ours);
                c.call("SET", "after", "our rewrite");
                c.call("SELECT", "3");
                c.call("HSET", "after", "f", "v");
                digest = c.call("DEBUG", "DIGEST");
            }
            Process check = new ProcessBuilder(onPath("redis-check-aof") == null ? "redis-check-aof"
                    : onPath("redis-check-aof"), aofDir.resolve("appendonly.aof.manifest").toString())
                    .redirectErrorStream(true).start();
            String checked = new String(check.getInputStream().readAllBytes());
            assertEquals(0, check.waitFor(), checked);
            assertTrue(checked.contains("All AOF files and manifest are valid"), checked);
            if (preamble) {
                assertTrue(checked.contains("RDB preamble is OK, proceeding with AOF tail..."), checked);
            }
            redis = startRedis(redisServer, dir, yesNo);
            try (RespClient r = new RespClient(port)) {
                assertEquals(digest, r.call("DEBUG", "DIGEST"));
                assertEquals(":1\r\n", r.call("FCALL", "f", "0"));
                shutdown(r);
            } finally {
                redis.waitFor(10, TimeUnit.SECONDS);
                redis.destroyForcibly();
            }
        } finally {
            delete(dir);
        }
    }

    private int port;

    private static void shutdown(RespClient r) {
        try {
            r.call("SHUTDOWN", "NOSAVE");
        } catch (java.io.UncheckedIOException closed) {
            // SHUTDOWN answers by closing the connection
        }
    }

    private Process startRedis(String executable, Path dir, String preamble) throws IOException, InterruptedException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--aof-use-rdb-preamble", preamble, "--dir", dir.toString(),
                "--enable-debug-command", "yes").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (RespClient probe = new RespClient(port)) {
                if (probe.call("PING").equals("+PONG\r\n")) { // Redis listens before it loads: -LOADING meanwhile
                    return p;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port);
    }

    private static void awaitRewrite(RespClient c, int rewrites) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            String info = c.call("INFO", "persistence");
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrites:" + rewrites)
                    && info.contains("aof_rewrite_scheduled:0")) {
                Thread.sleep(50);
                return;
            }
            Thread.sleep(20);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
