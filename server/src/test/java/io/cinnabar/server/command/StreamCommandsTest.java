package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Streams beyond what the recorded conformance scenario covers: blocking reads with several clients and the
 * virtual clock, IDs and idle times on the server clock, a consumer that dies and whose entries another reclaims,
 * WATCH, and what reaches the propagation tap (the replies here were checked against Redis 7.0.15, the
 * propagated commands against its AOF).
 */
class StreamCommandsTest {
    private static void awaitBlocked(RespClient probe, int n) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (probe.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never " + n + " blocked clients: " + probe.call("INFO", "clients"));
    }

    private static String entry(String id, String... fv) {
        StringBuilder sb = new StringBuilder("*2\r\n$" + id.length() + "\r\n" + id + "\r\n*" + fv.length + "\r\n");
        for (String s : fv) {
            sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void anXaddServesEveryReaderWaitingOnTheStreamInArrivalOrder() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient first = new RespClient(server.port());
             RespClient second = new RespClient(server.port());
             RespClient third = new RespClient(server.port());
             RespClient writer = new RespClient(server.port())) {
            writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            first.send(RespClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
            awaitBlocked(writer, 1);
            second.send(RespClient.encode("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"));
            awaitBlocked(writer, 2);
            third.send(RespClient.encode("XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">"));
            third.send(RespClient.encode("PING")); // pipelined behind the blocked read: waits with it
            awaitBlocked(writer, 3);
            assertEquals("$3\r\n1-1\r\n", writer.call("XADD", "s", "1-1", "f", "v"));
            String served = "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n" + entry("1-1", "f", "v");
            assertEquals(served, first.readReplyText());
            assertEquals(served, second.readReplyText()); // the group's first reader takes the entry
            awaitBlocked(writer, 1); // the second group reader waits on: nothing new past the group's last ID
            assertEquals("$3\r\n2-1\r\n", writer.call("XADD", "s", "2-1", "f", "w"));
            assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n" + entry("2-1", "f", "w"), third.readReplyText());
            assertEquals("+PONG\r\n", third.readReplyText());
            assertEquals("*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r\nc2\r\n"
                    + "$1\r\n1\r\n", writer.call("XPENDING", "s", "g"));
        }
    }

    @Test
    void blockedGroupReadersGetRedisErrorsWhenTheirGroupOrStreamGoesAway() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient reader = new RespClient(server.port());
             RespClient plain = new RespClient(server.port());
             RespClient writer = new RespClient(server.port())) {
            writer.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            reader.send(RespClient.encode("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"));
            awaitBlocked(writer, 1);
            writer.call("XGROUP", "SETID", "s", "g", "0"); // moving the group's ID serves nobody before an XADD
            writer.call("XGROUP", "CREATECONSUMER", "s", "g", "other");
            awaitBlocked(writer, 1);
            assertEquals(":1\r\n", writer.call("XGROUP", "DESTROY", "s", "g"));
            assertEquals("-NOGROUP the consumer group this client was blocked on no longer exists\r\n",
                    reader.readReplyText());
            writer.call("XGROUP", "CREATE", "s", "g", "$");
            reader.send(RespClient.encode("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"));
            plain.send(RespClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
            awaitBlocked(writer, 2);
            writer.call("SET", "s", "now a string");
            assertEquals("-UNBLOCKED the stream key no longer exists\r\n", reader.readReplyText());
            awaitBlocked(writer, 1); // a plain XREAD keeps waiting for a stream to come back
            writer.call("DEL", "s");
            assertEquals("$3\r\n5-5\r\n", writer.call("XADD", "s", "5-5", "f", "v"));
            assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n" + entry("5-5", "f", "v"), plain.readReplyText());
        }
    }

    @Test
    void blockedReadsTimeOutOnTheServerClockAndAnswerAtOnceInsideMulti() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            waiting.send(RespClient.encode("XREAD", "BLOCK", "30000", "STREAMS", "s", "$"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(29));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("*-1\r\n", waiting.readReplyText());
            waiting.call("HELLO", "3");
            other.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            waiting.send(RespClient.encode("XREADGROUP", "GROUP", "g", "c", "BLOCK", "1000", "STREAMS", "s", ">"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("_\r\n", waiting.readReplyText());
            waiting.call("MULTI");
            waiting.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            waiting.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
            assertEquals("*2\r\n_\r\n_\r\n", waiting.call("EXEC"));
            // a served RESP3 reader gets a map of streams
            waiting.send(RespClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
            awaitBlocked(other, 1);
            other.call("XADD", "s", "7-0", "f", "v");
            assertEquals("%1\r\n$1\r\ns\r\n*1\r\n" + entry("7-0", "f", "v"), waiting.readReplyText());
        }
    }

    @Test
    void generatedIdsAndIdleTimesFollowTheServerClock() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            long before = server.clock().now().toEpochMilli();
            server.clock().advance(Duration.ofDays(365));
            String id = c.call("XADD", "s", "*", "f", "v");
            long ms = Long.parseLong(id.substring(id.indexOf('\n') + 1, id.indexOf('-')));
            assertTrue(ms >= before + Duration.ofDays(365).toMillis(), id);
            c.call("XGROUP", "CREATE", "s", "g", "0");
            c.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
            assertEquals("*0\r\n", c.call("XPENDING", "s", "g", "IDLE", "60000", "-", "+", "10"));
            server.clock().advance(Duration.ofMinutes(2));
            String pending = c.call("XPENDING", "s", "g", "IDLE", "60000", "-", "+", "10");
            assertTrue(pending.startsWith("*1\r\n*4\r\n"), pending);
            String[] lines = pending.split("\r\n");
            long idle = Long.parseLong(lines[6].substring(1));
            assertTrue(idle >= 120_000 && idle < 130_000, pending);
            String consumers = c.call("XINFO", "CONSUMERS", "s", "g");
            long seenIdle = Long.parseLong(consumers.split("\r\n")[11].substring(1));
            assertTrue(seenIdle >= 120_000, consumers);
        }
    }

    @Test
    void aConsumerThatDiesLeavesItsEntriesForAnotherToReclaimOnceIdleLongEnough() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient rescuer = new RespClient(server.port())) {
            rescuer.call("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM");
            for (int i = 1; i <= 3; i++) {
                rescuer.call("XADD", "jobs", i + "-0", "job", "j" + i);
            }
            try (RespClient worker = new RespClient(server.port())) {
                assertEquals("*1\r\n*2\r\n$4\r\njobs\r\n*2\r\n" + entry("1-0", "job", "j1") + entry("2-0", "job", "j2"),
                        worker.call("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "2", "STREAMS", "jobs", ">"));
                worker.call("XACK", "jobs", "workers", "1-0");
            } // the worker dies holding 2-0
            assertEquals("*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n",
                    rescuer.call("XAUTOCLAIM", "jobs", "workers", "w2", "60000", "0"));
            server.clock().advance(Duration.ofSeconds(61));
            assertEquals("*3\r\n$3\r\n0-0\r\n*1\r\n" + entry("2-0", "job", "j2") + "*0\r\n",
                    rescuer.call("XAUTOCLAIM", "jobs", "workers", "w2", "60000", "0"));
            String pending = rescuer.call("XPENDING", "jobs", "workers", "-", "+", "10");
            assertTrue(pending.startsWith("*1\r\n*4\r\n$3\r\n2-0\r\n$2\r\nw2\r\n:"), pending);
            assertTrue(pending.endsWith(":2\r\n"), pending); // delivered twice
            assertEquals(":0\r\n", rescuer.call("XGROUP", "DELCONSUMER", "jobs", "workers", "w1"));
            assertEquals(":1\r\n", rescuer.call("XACK", "jobs", "workers", "2-0"));
        }
    }

    @Test
    void consumerGroupChangesAreNotificationsOnlyAndDoNotTouchWatchedKeys() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient a = new RespClient(server.port());
             RespClient b = new RespClient(server.port())) {
            a.call("XADD", "s", "1-1", "f", "v");
            a.call("XGROUP", "CREATE", "s", "g", "0");
            String[][] untouched = {{"XGROUP", "CREATE", "s", "g2", "$"}, {"XGROUP", "SETID", "s", "g", "0"},
                {"XGROUP", "CREATECONSUMER", "s", "g", "c9"}, {"XSETID", "s", "5-5"},
                {"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"}, {"XACK", "s", "g", "1-1"},
                {"XGROUP", "DESTROY", "s", "g2"}};
            for (String[] cmd : untouched) {
                a.call("WATCH", "s");
                b.call(cmd);
                a.call("MULTI");
                a.call("PING");
                assertEquals("*1\r\n+PONG\r\n", a.call("EXEC"), String.join(" ", cmd));
            }
            a.call("WATCH", "s");
            b.call("XADD", "s", "9-9", "f", "v");
            a.call("MULTI");
            assertEquals("*-1\r\n", a.call("EXEC"));
        }
    }
}
