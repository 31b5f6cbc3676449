package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Isolated: it counts the JVM's threads, which concurrently running tests would disturb. */
@org.junit.jupiter.api.parallel.Isolated
class EmbeddingTest {
    private static java.util.Set<Thread> cinnabarThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("cinnabar-") && t.isAlive())
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void startAndCloseLeaveNoThreadsOrPortsBehind() throws Exception {
        java.util.Set<Thread> before = cinnabarThreads();
        CinnabarServer server = CinnabarServer.builder().build().start();
        int port = server.port();
        try (RespClient c = new RespClient(port)) {
            assertEquals("+PONG\r\n", c.call("PING"));
            assertEquals(":1\r\n", c.call("EVAL", "return 1", "0"));
        }
        server.close();
        java.util.Set<Thread> left = cinnabarThreads();
        left.removeAll(before);
        assertEquals(java.util.Set.of(), left);
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
        try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
    }

    @Test
    void aBusyPortFailsWithAMessageNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CinnabarServer.builder().port(port).build().start());
            assertTrue(e.getMessage().contains(Integer.toString(port)), e.getMessage());
        }
    }

    @Test
    void builderRefusesUnknownOrInvalidParameters() {
        assertThrows(IllegalArgumentException.class, () -> CinnabarServer.builder().config("nope", "1").build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CinnabarServer.builder().databases(0).build());
        assertTrue(e.getMessage().contains("argument must be between 1 and 2147483647 inclusive"));
    }

    @Test
    void configuredDatabasesAndPasswordApply() {
        try (CinnabarServer server = CinnabarServer.builder().databases(2).password("pw").build().start();
             RespClient c = new RespClient(server.port())) {
            c.call("AUTH", "pw");
            assertEquals("-ERR DB index is out of range\r\n", c.call("SELECT", "2"));
            assertEquals("redis://:pw@127.0.0.1:" + server.port(), server.uri().toString());
        }
    }

    @Test
    void virtualClockMovesTtlTimeAndActiveExpiryTogether() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            c.call("SET", "k", "v", "EX", "3600");
            long before = Long.parseLong(c.call("TIME").split("\r\n")[2]);
            server.clock().advance(Duration.ofMinutes(30));
            assertEquals(":1800\r\n", c.call("TTL", "k"));
            long after = Long.parseLong(c.call("TIME").split("\r\n")[2]);
            assertTrue(after - before >= 1800, "TIME moved with the clock");
            server.clock().advance(Duration.ofMinutes(31));
            assertEquals(":0\r\n", c.call("DBSIZE"), "expired without being touched");
            assertTrue(server.clock().offset().compareTo(Duration.ofMinutes(61)) == 0);
        }
    }

    @Test
    void shutdownCommandStopsTheEmbeddedServer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        CinnabarServer server = CinnabarServer.builder().dataDirectory(dir).build().start();
        java.nio.file.Files.createDirectories(dir.resolve("dump.rdb").resolve("in-the-way")); // SAVE cannot rename
        try (RespClient c = new RespClient(server.port())) {
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", c.call("SHUTDOWN", "SAVE"));
            c.send(RespClient.encode("SHUTDOWN", "NOSAVE"));
            assertTrue(c.closedByServer());
        }
        server.awaitStop();
        assertFalse(server.isRunning());
    }

    @Test
    void protocolGarbageGetsRedisErrorAndClosesOnlyThatConnection() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient bad = new RespClient(server.port());
             RespClient good = new RespClient(server.port())) {
            bad.sendText("*1\r\n$abc\r\n");
            assertEquals("-ERR Protocol error: invalid bulk length\r\n", bad.readReplyText());
            assertTrue(bad.closedByServer());
            assertEquals("+PONG\r\n", good.call("PING"));
        }
    }

    @Test
    void inlineCommandsAndPipelinesWork() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            c.sendText("SET k \"hello world\"\r\nGET k\r\n*1\r\n$4\r\nPING\r\n");
            assertEquals("+OK\r\n", c.readReplyText());
            assertEquals("$11\r\nhello world\r\n", c.readReplyText());
            assertEquals("+PONG\r\n", c.readReplyText());
        }
    }

    @Test
    void debugIsRefusedUnlessEnabled() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            assertTrue(c.call("DEBUG", "DIGEST").startsWith("-ERR DEBUG command not allowed."));
        }
        try (CinnabarServer server = CinnabarServer.builder().config("enable-debug-command", "local").build().start();
             RespClient c = new RespClient(server.port())) {
            assertTrue(c.call("DEBUG", "DIGEST").startsWith("+"));
        }
    }
}
