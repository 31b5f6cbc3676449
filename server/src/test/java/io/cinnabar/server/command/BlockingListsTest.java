package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Blocking list commands with several clients: FIFO service, pushes that wake, and the virtual clock. */
class BlockingListsTest {
    /** Waits until the server counts {@code n} blocked clients (the blocking call is sent without a reply). */
    private static void awaitBlocked(RespClient probe, int n) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (probe.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never " + n + " blocked clients: " + probe.call("INFO", "clients"));
    }

    @Test
    void aPushServesTheClientsThatWaitedFirstComeFirstServed() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient first = new RespClient(server.port());
             RespClient second = new RespClient(server.port());
             RespClient pusher = new RespClient(server.port())) {
            first.send(RespClient.encode("BLPOP", "q", "other", "0"));
            awaitBlocked(pusher, 1);
            second.send(RespClient.encode("BRPOP", "q", "0"));
            second.send(RespClient.encode("PING")); // pipelined behind the blocked call: waits with it
            awaitBlocked(pusher, 2);
            assertTrue(pusher.call("CLIENT", "LIST").contains("flags=b"));
            assertEquals(":3\r\n", pusher.call("RPUSH", "q", "a", "b", "c"));
            assertEquals("*2\r\n$1\r\nq\r\n$1\r\na\r\n", first.readReplyText());
            assertEquals("*2\r\n$1\r\nq\r\n$1\r\nc\r\n", second.readReplyText());
            assertEquals("+PONG\r\n", second.readReplyText());
            assertEquals("*1\r\n$1\r\nb\r\n", pusher.call("LRANGE", "q", "0", "-1"));
            awaitBlocked(pusher, 0);
        }
    }

    @Test
    void theServerClockTimesBlockedClientsOutWithoutSleeping() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            waiting.send(RespClient.encode("BLPOP", "q", "30"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(29));
            assertEquals(":0\r\n", other.call("EXISTS", "q"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("*-1\r\n", waiting.readReplyText());
            assertEquals("+PONG\r\n", waiting.call("PING"));
            waiting.call("HELLO", "3");
            waiting.send(RespClient.encode("BLMOVE", "q", "d", "LEFT", "RIGHT", "1"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(1));
            assertEquals("_\r\n", waiting.readReplyText());
        }
    }

    @Test
    void blmoveServedByAPushCanServeTheNextWaiter() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient mover = new RespClient(server.port());
             RespClient popper = new RespClient(server.port());
             RespClient pusher = new RespClient(server.port())) {
            mover.send(RespClient.encode("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
            awaitBlocked(pusher, 1);
            popper.send(RespClient.encode("BLPOP", "dst", "0"));
            awaitBlocked(pusher, 2);
            pusher.call("LPUSH", "src", "x");
            assertEquals("$1\r\nx\r\n", mover.readReplyText());
            assertEquals("*2\r\n$3\r\ndst\r\n$1\r\nx\r\n", popper.readReplyText());
            assertEquals(":0\r\n", pusher.call("EXISTS", "src", "dst"));
        }
    }

    @Test
    void aClientThatDisconnectsWhileBlockedLeavesNothingBehind() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient other = new RespClient(server.port())) {
            RespClient gone = new RespClient(server.port());
            gone.send(RespClient.encode("BLPOP", "q", "0"));
            awaitBlocked(other, 1);
            gone.close();
            awaitBlocked(other, 0);
            assertEquals(":1\r\n", other.call("RPUSH", "q", "kept"));
            assertEquals(":1\r\n", other.call("LLEN", "q"));
        }
    }

    @Test
    void aKeyOfAnotherTypeKeepsTheClientWaiting() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            waiting.send(RespClient.encode("BLPOP", "q", "0"));
            awaitBlocked(other, 1);
            other.call("SET", "q", "string");
            awaitBlocked(other, 1);
            other.call("DEL", "q");
            other.call("RPUSH", "q", "v");
            assertEquals("*2\r\n$1\r\nq\r\n$1\r\nv\r\n", waiting.readReplyText());
        }
    }

    @Test
    void aDeadlineInRealTimeIsMetByTheTick() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port())) {
            long start = System.nanoTime();
            assertEquals("*-1\r\n", waiting.call("BRPOP", "q", "0.2"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 150 && millis < 2000, "timed out after " + millis + " ms");
        }
    }

    @Test
    void bzpopminWaitsForAMemberAndRepliesKeyMemberScore() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            waiting.send(RespClient.encode("BZPOPMIN", "z1", "z2", "0"));
            awaitBlocked(other, 1);
            other.call("ZADD", "z2", "2", "b", "1", "a");
            assertEquals("*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n", waiting.readReplyText());
            assertEquals("*3\r\n$2\r\nz2\r\n$1\r\nb\r\n$1\r\n2\r\n", waiting.call("BZPOPMAX", "z2", "0"));
            assertEquals(":0\r\n", other.call("EXISTS", "z2"));
            waiting.call("HELLO", "3");
            waiting.send(RespClient.encode("BZPOPMAX", "z2", "5"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(6));
            assertEquals("_\r\n", waiting.readReplyText());
        }
    }
}
