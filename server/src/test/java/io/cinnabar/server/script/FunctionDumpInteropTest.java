package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * FUNCTION DUMP and FUNCTION RESTORE against a live Redis 7.0 (skipped without {@code redis-server} on PATH): the
 * same libraries dump to the same bytes on both servers, and each restores the other's payload.
 */
class FunctionDumpInteropTest {
    private static final List<String> LIBRARIES = List.of(
            "#!lua name=big\n-- " + "lorem ipsum ".repeat(20) + "\nredis.register_function('big', function() return 1 end)",
            "#!lua name=small\nredis.register_function{function_name='s1', callback=function(k, a) return #k end, "
                    + "flags={'no-writes'}, description='d'}",
            "#!lua name=tiny\nredis.register_function('t', function() return 't' end)");

    private static String redisServer() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bulkContent(byte[] reply) {
        int start = new String(reply, StandardCharsets.ISO_8859_1).indexOf("\r\n") + 2;
        return java.util.Arrays.copyOfRange(reply, start, reply.length - 2);
    }

    @Test
    void dumpsMatchRedisAndRestoreEitherWay() throws Exception {
        String executable = redisServer();
        Assumptions.assumeTrue(executable != null, "redis-server is not on PATH");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process redis = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (CinnabarServer server = CinnabarServer.builder().build().start()) {
            awaitPort(port);
            try (RespClient theirs = new RespClient(port); RespClient ours = new RespClient(server.port())) {
                Assumptions.assumeTrue(theirs.call("INFO", "server").contains("redis_version:7.0."),
                        "the redis-server on PATH is not 7.0");
                for (String lib : LIBRARIES) {
                    // one library at a time: Redis orders several by its dict's random hash seed
                    theirs.call("FUNCTION", "FLUSH");
                    ours.call("FUNCTION", "FLUSH");
                    theirs.call("FUNCTION", "LOAD", lib);
                    ours.call("FUNCTION", "LOAD", lib);
                    assertArrayEquals(bulkContent(theirs.callBytes(b("FUNCTION"), b("DUMP"))),
                            bulkContent(ours.callBytes(b("FUNCTION"), b("DUMP"))), lib);
                }
                theirs.call("FUNCTION", "FLUSH");
                for (String lib : LIBRARIES) {
                    theirs.call("FUNCTION", "LOAD", lib);
                }
                byte[] theirDump = bulkContent(theirs.callBytes(b("FUNCTION"), b("DUMP")));
                assertEquals("+OK\r\n", new String(ours.callBytes(b("FUNCTION"), b("RESTORE"), theirDump, b("FLUSH")),
                        StandardCharsets.UTF_8));
                assertEquals(":1\r\n", ours.call("FCALL", "big", "0"));
                assertEquals(":2\r\n", ours.call("FCALL_RO", "s1", "2", "a", "b"));
                byte[] ourDump = bulkContent(ours.callBytes(b("FUNCTION"), b("DUMP")));
                assertEquals("+OK\r\n", new String(theirs.callBytes(b("FUNCTION"), b("RESTORE"), ourDump, b("FLUSH")),
                        StandardCharsets.UTF_8));
                assertEquals("$1\r\nt\r\n", theirs.call("FCALL", "t", "0"));
                // which library APPEND trips over first depends on Redis's dict order
                String conflict = new String(theirs.callBytes(b("FUNCTION"), b("RESTORE"), ourDump), StandardCharsets.UTF_8);
                assertTrue(conflict.matches("-ERR Library (big|small|tiny) already exists\r\n"), conflict);
                conflict = new String(ours.callBytes(b("FUNCTION"), b("RESTORE"), theirDump), StandardCharsets.UTF_8);
                assertTrue(conflict.matches("-ERR Library (big|small|tiny) already exists\r\n"), conflict);
            }
        } finally {
            redis.destroy();
            if (!redis.waitFor(5, TimeUnit.SECONDS)) {
                redis.destroyForcibly();
            }
        }
    }

    private static void awaitPort(int port) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("redis-server did not start on port " + port);
    }
}
