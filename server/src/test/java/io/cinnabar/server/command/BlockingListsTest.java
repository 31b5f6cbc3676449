package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Blocking list and sorted-set commands with several clients: FIFO service, pushes that wake, CLIENT UNBLOCK, and
 * the virtual clock. Expected bytes as Redis 7.0.15 answered them.
 */
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

    private static String id(RespClient c) {
        String reply = c.call("CLIENT", "ID");
        return reply.substring(1, reply.length() - 2);
    }

    @Test
    void blmpopTakesUpToItsCountAndTheNextWaitersWhatIsLeft() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient first = new RespClient(server.port());
             RespClient second = new RespClient(server.port());
             RespClient third = new RespClient(server.port());
             RespClient pusher = new RespClient(server.port())) {
            first.send(RespClient.encode("BLMPOP", "0", "2", "q1", "q2", "LEFT", "COUNT", "2"));
            awaitBlocked(pusher, 1);
            second.send(RespClient.encode("BLPOP", "q2", "0"));
            awaitBlocked(pusher, 2);
            third.call("HELLO", "3");
            third.send(RespClient.encode("BLMPOP", "0", "1", "q2", "RIGHT"));
            awaitBlocked(pusher, 3);
            assertEquals(":5\r\n", pusher.call("RPUSH", "q2", "1", "2", "3", "4", "5"));
            assertEquals("*2\r\n$2\r\nq2\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n", first.readReplyText());
            assertEquals("*2\r\n$2\r\nq2\r\n$1\r\n3\r\n", second.readReplyText());
            assertEquals("*2\r\n$2\r\nq2\r\n*1\r\n$1\r\n5\r\n", third.readReplyText());
            assertEquals("*1\r\n$1\r\n4\r\n", pusher.call("LRANGE", "q2", "0", "-1"));
            awaitBlocked(pusher, 0);
        }
    }

    @Test
    void lmpopAndBlmpopServedAtOnce() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            c.call("RPUSH", "l", "a", "b", "c", "d", "e");
            c.call("SET", "s", "v");
            assertEquals("*-1\r\n", c.call("LMPOP", "1", "nosuch", "LEFT"));
            assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                    c.call("LMPOP", "2", "nosuch", "s", "LEFT"));
            assertEquals("*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n", c.call("LMPOP", "2", "nosuch", "l", "LEFT"));
            assertEquals("*2\r\n$1\r\nl\r\n*2\r\n$1\r\ne\r\n$1\r\nd\r\n",
                    c.call("BLMPOP", "0", "1", "l", "right", "count", "2"));
            assertEquals("*2\r\n$1\r\nl\r\n*2\r\n$1\r\nb\r\n$1\r\nc\r\n",
                    c.call("LMPOP", "1", "l", "LEFT", "COUNT", "9223372036854775807"));
            assertEquals(":0\r\n", c.call("EXISTS", "l"));
            assertEquals("*-1\r\n", c.call("BLMPOP", "0.001", "1", "l", "LEFT"));
            // argument errors in Redis's order: numkeys, the side, COUNT, and BLMPOP's timeout last
            assertEquals("-ERR numkeys should be greater than 0\r\n", c.call("BLMPOP", "x", "0", "l", "LEFT"));
            assertEquals("-ERR syntax error\r\n", c.call("LMPOP", "9223372036854775807", "l", "LEFT"));
            assertEquals("-ERR syntax error\r\n", c.call("BLMPOP", "x", "2", "l", "LEFT"));
            assertEquals("-ERR syntax error\r\n", c.call("BLMPOP", "x", "1", "l", "UP"));
            assertEquals("-ERR syntax error\r\n", c.call("LMPOP", "1", "l", "LEFT", "COUNT"));
            assertEquals("-ERR syntax error\r\n", c.call("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"));
            assertEquals("-ERR count should be greater than 0\r\n",
                    c.call("BLMPOP", "-1", "1", "l", "LEFT", "COUNT", "0"));
            assertEquals("-ERR timeout is not a float or out of range\r\n", c.call("BLMPOP", "x", "1", "l", "LEFT"));
            assertEquals("-ERR timeout is negative\r\n", c.call("BLMPOP", "-1", "1", "l", "LEFT"));
            assertEquals("-ERR timeout is negative\r\n", c.call("BLMPOP", "inf", "1", "l", "LEFT"));
            assertEquals("-ERR timeout is negative\r\n", c.call("BLPOP", "l", "-inf"));
        }
    }

    @Test
    void bzmpopWaitsAndRepliesTheKeyAndMemberScorePairs() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient second = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            waiting.send(RespClient.encode("BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "2"));
            awaitBlocked(other, 1);
            second.send(RespClient.encode("BZPOPMIN", "z2", "0"));
            awaitBlocked(other, 2);
            other.call("ZADD", "z2", "1", "a", "2", "b", "3", "c", "4", "d");
            assertEquals("*2\r\n$2\r\nz2\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
                    waiting.readReplyText());
            assertEquals("*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n", second.readReplyText());
            assertEquals("*2\r\n$2\r\nz2\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                    waiting.call("BZMPOP", "0", "1", "z2", "MIN", "COUNT", "5"));
            assertEquals(":0\r\n", other.call("EXISTS", "z2"));
            waiting.call("HELLO", "3");
            waiting.send(RespClient.encode("BZMPOP", "5", "1", "z2", "MIN"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(4));
            other.call("RPUSH", "z2", "not a sorted set"); // another type: the client keeps waiting
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("_\r\n", waiting.readReplyText());
            assertEquals("-ERR numkeys should be greater than 0\r\n", waiting.call("BZMPOP", "x", "0", "z", "MIN"));
            assertEquals("-ERR syntax error\r\n", waiting.call("BZMPOP", "0", "9223372036854775807", "z", "MIN"));
            assertEquals("-ERR count should be greater than 0\r\n",
                    waiting.call("BZMPOP", "x", "1", "z", "MIN", "COUNT", "0"));
            assertEquals("-ERR timeout is not a float or out of range\r\n", waiting.call("BZMPOP", "x", "1", "z", "MIN"));
        }
    }

    @Test
    void blmoveAndBrpoplpushTimeOutWithANullArray() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            waiting.send(RespClient.encode("BRPOPLPUSH", "q", "d", "1"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("*-1\r\n", waiting.readReplyText());
            waiting.send(RespClient.encode("BLMOVE", "q", "d", "LEFT", "LEFT", "1"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("*-1\r\n", waiting.readReplyText());
        }
    }

    @Test
    void aServedBlmoveWhoseDestinationHoldsAnotherTypeGetsWrongtype() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            other.call("CONFIG", "RESETSTAT");
            other.call("SET", "d", "string");
            waiting.send(RespClient.encode("BLMOVE", "q", "d", "LEFT", "LEFT", "0"));
            awaitBlocked(other, 1);
            assertEquals(":1\r\n", other.call("RPUSH", "q", "x"));
            assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                    waiting.readReplyText());
            awaitBlocked(other, 0);
            assertEquals("*1\r\n$1\r\nx\r\n", other.call("LRANGE", "q", "0", "-1"));
            assertTrue(other.call("INFO", "commandstats").contains("cmdstat_blmove:calls=1,"));
            assertTrue(other.call("INFO", "commandstats").contains("rejected_calls=0,failed_calls=1\r\n"));
        }
    }

    @Test
    void clientUnblockAnswersAsOnTimeoutOrWithTheUnblockedError() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            String id = id(waiting);
            other.call("CONFIG", "RESETSTAT");
            String[][] commands = {{"BLPOP", "q", "0"}, {"BLMPOP", "0", "1", "q", "LEFT"}, {"BZMPOP", "0", "1", "q", "MIN"},
                {"BZPOPMAX", "q", "0"}, {"BLMOVE", "q", "d", "LEFT", "LEFT", "0"}, {"BRPOPLPUSH", "q", "d", "0"}};
            for (String[] command : commands) {
                waiting.send(RespClient.encode(command));
                awaitBlocked(other, 1);
                assertEquals(":1\r\n", other.call("CLIENT", "UNBLOCK", id));
                assertEquals("*-1\r\n", waiting.readReplyText());
                waiting.send(RespClient.encode(command));
                awaitBlocked(other, 1);
                assertEquals(":1\r\n", other.call("CLIENT", "UNBLOCK", id, "error"));
                assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiting.readReplyText());
            }
            waiting.call("HELLO", "3");
            waiting.send(RespClient.encode("BLMPOP", "0", "1", "q", "LEFT"));
            waiting.send(RespClient.encode("PING")); // pipelined: runs once the client is unblocked
            awaitBlocked(other, 1);
            assertEquals(":1\r\n", other.call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
            assertEquals("_\r\n", waiting.readReplyText());
            assertEquals("+PONG\r\n", waiting.readReplyText());
            assertEquals(":0\r\n", other.call("CLIENT", "UNBLOCK", id));
            assertEquals(":0\r\n", other.call("CLIENT", "UNBLOCK", "999999", "ERROR"));
            assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
                    other.call("CLIENT", "UNBLOCK", "notanid", "FOO"));
            assertEquals("-ERR value is not an integer or out of range\r\n", other.call("CLIENT", "UNBLOCK", "x"));
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n",
                    other.call("CLIENT", "UNBLOCK", id, "ERROR", "x"));
            // as Redis: the unblocked command counts as failed either way, CLIENT UNBLOCK ERROR as failed too
            String stats = other.call("INFO", "commandstats");
            assertTrue(stats.contains("cmdstat_blpop:calls=2,"), stats);
            assertTrue(stats.contains("cmdstat_blmpop:calls=3,"), stats);
            assertTrue(stats.matches("(?s).*cmdstat_blmpop:calls=3,[^\r]*,failed_calls=3\r\n.*"), stats);
            assertTrue(stats.matches("(?s).*cmdstat_client\\|unblock:calls=18,[^\r]*,failed_calls=9\r\n.*"), stats);
            assertTrue(other.call("INFO", "errorstats").contains("errorstat_UNBLOCKED:count=6\r\n"));
        }
    }

    @Test
    void aClientHeldByClientPauseIsNotUnblockable() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient held = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            String id = id(held);
            other.call("CLIENT", "PAUSE", "100000", "WRITE");
            held.send(RespClient.encode("SET", "k", "v"));
            awaitBlocked(other, 1);
            assertTrue(other.call("CLIENT", "LIST", "ID", id).contains(" flags=b "));
            // Redis 7.0.15 crashes here (no timeout reply for a postponed client); later versions answer 0
            assertEquals(":0\r\n", other.call("CLIENT", "UNBLOCK", id));
            assertEquals(":0\r\n", other.call("CLIENT", "UNBLOCK", id, "ERROR"));
            assertEquals("+OK\r\n", other.call("CLIENT", "UNPAUSE"));
            assertEquals("+OK\r\n", held.readReplyText());
        }
    }

    @Test
    void aBlockedClientShowsFlagBItsArgumentsAndItsDeadline() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            String id = id(waiting);
            waiting.send(RespClient.encode("BLMPOP", "0", "2", "lx", "ly", "LEFT", "COUNT", "3"));
            awaitBlocked(other, 1);
            String list = other.call("CLIENT", "LIST", "ID", id);
            assertTrue(list.contains(" flags=b db=0 "), list);
            assertTrue(list.contains(" argv-mem=22 "), list); // the blocked command's arguments, as Redis keeps them
            assertTrue(list.contains(" cmd=blmpop "), list);
            assertTrue(other.call("INFO", "clients").contains("blocked_clients:1\r\ntracking_clients:0\r\n"
                    + "clients_in_timeout_table:0\r\n"));
            other.call("CLIENT", "UNBLOCK", id);
            waiting.readReplyText();
            list = other.call("CLIENT", "LIST", "ID", id);
            assertTrue(list.contains(" flags=N db=0 ") && list.contains(" argv-mem=0 "), list);
            waiting.send(RespClient.encode("BZPOPMIN", "zx", "5"));
            awaitBlocked(other, 1);
            assertTrue(other.call("INFO", "clients").contains("clients_in_timeout_table:1\r\n"));
            assertTrue(other.call("CLIENT", "LIST", "ID", id).contains(" argv-mem=11 "));
            other.call("ZADD", "zx", "1", "m");
            assertEquals("*3\r\n$2\r\nzx\r\n$1\r\nm\r\n$1\r\n1\r\n", waiting.readReplyText());
            assertTrue(other.call("INFO", "clients").contains("blocked_clients:0\r\ntracking_clients:0\r\n"
                    + "clients_in_timeout_table:0\r\n"));
        }
    }

    @Test
    void clientsKilledOrGoneWhileBlockedInAnyCommandLeaveNothingBehind() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient other = new RespClient(server.port())) {
            String[][] commands = {{"BLMPOP", "0", "2", "q", "q2", "LEFT", "COUNT", "2"}, {"BZMPOP", "0", "1", "q", "MAX"},
                {"BZPOPMIN", "q", "1000"}, {"BLMOVE", "q", "d", "LEFT", "LEFT", "0"}, {"BRPOP", "q", "0"}};
            for (String[] command : commands) {
                RespClient gone = new RespClient(server.port());
                RespClient killed = new RespClient(server.port());
                String killedId = id(killed);
                gone.send(RespClient.encode(command));
                killed.send(RespClient.encode(command));
                awaitBlocked(other, 2);
                gone.close();
                awaitBlocked(other, 1);
                assertEquals(":1\r\n", other.call("CLIENT", "KILL", "ID", killedId));
                awaitBlocked(other, 0);
                killed.close();
                assertTrue(other.call("INFO", "clients").contains("connected_clients:1\r\n"));
            }
            assertEquals(":1\r\n", other.call("RPUSH", "q", "kept"));
            assertEquals(":1\r\n", other.call("ZADD", "q2", "1", "kept"));
            assertEquals("*1\r\n$4\r\nkept\r\n", other.call("LRANGE", "q", "0", "-1"));
            assertEquals(":1\r\n", other.call("ZCARD", "q2"));
        }
    }

    @Test
    void fromAScriptBlmpopAndBzmpopNeverWaitAndTheOtherBlockingCommandsAreRefused() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            assertEquals("$-1\r\n", c.call("EVAL", "return redis.call('blmpop', 0, 1, 'l', 'left')", "0"));
            assertEquals("$-1\r\n", c.call("EVAL", "return redis.call('bzmpop', 0, 1, 'z', 'min')", "0"));
            c.call("RPUSH", "l", "a", "b", "c");
            assertEquals("*2\r\n$1\r\nl\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
                    c.call("EVAL", "return redis.call('blmpop', 0, 1, 'l', 'left', 'count', 2)", "0"));
            for (String call : new String[] {"'blpop', 'l', 0", "'bzpopmin', 'z', 0", "'blmove', 'l', 'd', 'left', "
                    + "'left', 0", "'brpoplpush', 'l', 'd', 0", "'brpop', 'l', 0", "'bzpopmax', 'z', 0"}) {
                assertTrue(c.call("EVAL", "return redis.call(" + call + ")", "0")
                        .startsWith("-ERR This Redis command is not allowed from script script: "), call);
            }
            assertTrue(c.call("INFO", "clients").contains("blocked_clients:0\r\n"));
        }
    }

    @Test
    void clientReplySkipAndOffDropTheReplyOfABlockedCommandWheneverItComes() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient waiting = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            String id = id(waiting);
            waiting.send(RespClient.encode("CLIENT", "REPLY", "SKIP"));
            waiting.send(RespClient.encode("BLPOP", "q", "0"));
            awaitBlocked(other, 1);
            other.call("RPUSH", "q", "a");
            assertEquals("+PONG\r\n", waiting.call("PING"));
            waiting.send(RespClient.encode("CLIENT", "REPLY", "SKIP"));
            waiting.send(RespClient.encode("BLMPOP", "0", "1", "q", "LEFT"));
            awaitBlocked(other, 1);
            assertEquals(":1\r\n", other.call("CLIENT", "UNBLOCK", id, "ERROR"));
            assertEquals("+PONG\r\n", waiting.call("PING"));
            waiting.send(RespClient.encode("CLIENT", "REPLY", "SKIP"));
            waiting.send(RespClient.encode("BZMPOP", "1", "1", "z", "MIN"));
            awaitBlocked(other, 1);
            server.clock().advance(Duration.ofSeconds(2));
            assertEquals("+PONG\r\n", waiting.call("PING"));
            waiting.send(RespClient.encode("CLIENT", "REPLY", "OFF"));
            waiting.send(RespClient.encode("BLMOVE", "q", "d", "LEFT", "LEFT", "0"));
            awaitBlocked(other, 1);
            other.call("RPUSH", "q", "b");
            assertEquals("+OK\r\n", waiting.call("CLIENT", "REPLY", "ON"));
            assertEquals("*1\r\n$1\r\nb\r\n", other.call("LRANGE", "d", "0", "-1"));
        }
    }
}
