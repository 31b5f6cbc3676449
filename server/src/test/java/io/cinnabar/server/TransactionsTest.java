package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH with several clients and the virtual clock, as Redis 7.0.15 answers
 * (each expectation was checked on it; single-client replies are in the conformance scenario transactions.txt).
 */
class TransactionsTest {
    private static void awaitInfo(RespClient probe, String section, String line) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (probe.call("INFO", section).contains(line + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never " + line + ": " + probe.call("INFO", section));
    }

    @Test
    void anotherClientsWriteToAWatchedKeyMakesExecAnswerNull() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            assertEquals("+OK\r\n", c.call("WATCH", "k", "j"));
            assertEquals("+OK\r\n", other.call("SET", "k", "1"));
            assertTrue(other.call("CLIENT", "LIST").contains(" flags=d "), "dirty CAS shows as d");
            assertEquals("+OK\r\n", c.call("MULTI"));
            assertEquals("+QUEUED\r\n", c.call("SET", "k", "mine"));
            assertEquals("*-1\r\n", c.call("EXEC"));
            assertEquals("$1\r\n1\r\n", c.call("GET", "k"));
            // RESP3: the null; an untouched watch lets EXEC run; UNWATCH forgets a change
            c.call("HELLO", "3");
            c.call("WATCH", "k");
            other.call("INCR", "k");
            c.call("MULTI");
            assertEquals("_\r\n", c.call("EXEC"));
            c.call("WATCH", "k");
            c.call("MULTI");
            c.call("INCR", "k");
            assertEquals("*1\r\n:3\r\n", c.call("EXEC"));
            c.call("WATCH", "k");
            other.call("INCR", "k");
            assertEquals("+OK\r\n", c.call("UNWATCH"));
            c.call("MULTI");
            assertEquals("*0\r\n", c.call("EXEC"));
        }
    }

    @Test
    void aWatchedKeyThatExpiresDoesNotFailExec() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            c.call("SET", "e", "1", "PX", "100");
            c.call("SET", "f", "1", "PX", "100");
            c.call("WATCH", "e", "f");
            server.clock().advance(Duration.ofSeconds(1));
            assertEquals(":0\r\n", other.call("EXISTS", "e")); // deleted by lazy expiry; f expired, still stored
            assertTrue(c.call("CLIENT", "INFO").contains(" flags=N "));
            c.call("MULTI");
            assertEquals("*0\r\n", c.call("EXEC"));
            // a key watched while expired and then written again has changed
            c.call("WATCH", "f");
            other.call("SET", "f", "2");
            c.call("MULTI");
            assertEquals("*-1\r\n", c.call("EXEC"));
        }
    }

    @Test
    void flushAndSwapdbChangeTheWatchedKeysThatAreLive() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            c.call("SET", "k", "1");
            c.call("WATCH", "k");
            other.call("FLUSHDB");
            c.call("MULTI");
            assertEquals("*-1\r\n", c.call("EXEC"));
            c.call("WATCH", "missing");
            other.call("FLUSHALL");
            c.call("MULTI");
            assertEquals("*0\r\n", c.call("EXEC"));
            c.call("SET", "e", "1", "PX", "10");
            c.call("WATCH", "e");
            server.clock().advance(Duration.ofMillis(50));
            other.call("FLUSHALL"); // e is stored but expired: no change
            c.call("MULTI");
            assertEquals("*0\r\n", c.call("EXEC"));
            // SWAPDB: a watch stays on its database index and sees what the swap brings in
            other.call("SELECT", "1");
            other.call("SET", "w", "1");
            c.call("WATCH", "w");
            other.call("SWAPDB", "0", "1");
            c.call("MULTI");
            assertEquals("*-1\r\n", c.call("EXEC"));
            c.call("WATCH", "nowhere");
            other.call("SWAPDB", "0", "1");
            c.call("MULTI");
            assertEquals("*0\r\n", c.call("EXEC"));
        }
    }

    @Test
    void blockingCommandsInsideExecAnswerAtOnceAndWaitersAreServedAfterIt() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port());
             RespClient waiter = new RespClient(server.port())) {
            waiter.send(RespClient.encode("BLPOP", "q", "0"));
            awaitInfo(c, "clients", "blocked_clients:1");
            c.call("MULTI");
            c.call("BLPOP", "empty", "0");
            c.call("BLMOVE", "empty", "d", "LEFT", "LEFT", "0");
            c.call("RPUSH", "q", "a", "b");
            c.call("LLEN", "q");
            c.call("LPOP", "q");
            assertEquals("*5\r\n*-1\r\n$-1\r\n:2\r\n:2\r\n$1\r\na\r\n", c.call("EXEC"));
            // the waiter was served after the whole EXEC: the LPOP inside it took "a" first
            assertEquals("*2\r\n$1\r\nq\r\n$1\r\nb\r\n", waiter.readReplyText());
            awaitInfo(c, "clients", "blocked_clients:0");
        }
    }

    @Test
    void clientListShowsTheTransactionAndADisconnectLeavesNoWatchBehind() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("CLIENT", "INFO");
            String info = c.call("EXEC");
            // during EXEC: in MULTI with two commands whose arguments take 3+1+1 + 6+4 bytes and a reference each
            assertTrue(info.contains(" flags=x ") && info.contains(" multi=2 ") && info.contains(" multi-mem=55 ")
                    && info.contains(" cmd=exec "),
                    info);
            assertTrue(c.call("CLIENT", "INFO").contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "));
            try (RespClient watcher = new RespClient(server.port())) {
                watcher.call("WATCH", "a", "b", "c");
                assertEquals(3, (int) server.engine().call(() -> server.engine().watchedKeys().size()));
            }
            for (int i = 0; i < 200 && server.engine().call(() -> server.engine().watchedKeys().size()) != 0; i++) {
                Thread.sleep(5);
            }
            assertEquals(0, (int) server.engine().call(() -> server.engine().watchedKeys().size()));
        }
    }

    @Test
    void aSlowScriptInsideExecAnswersBusyToOthersAndTheTransactionGoesOnAfterIt() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().config("busy-reply-threshold", "50").build().start();
             RespClient c = new RespClient(server.port());
             RespClient other = new RespClient(server.port())) {
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("EVAL", "local t = redis.call('TIME') local n = 0 "
                    + "while n < 3000000 do n = n + 1 end return redis.call('INCR', 'a')", "0");
            c.call("INCR", "a");
            c.send(RespClient.encode("EXEC"));
            String busy = null;
            for (int i = 0; i < 400; i++) {
                busy = other.call("GET", "a");
                if (busy.startsWith("-BUSY")) {
                    break;
                }
                Thread.sleep(5);
            }
            assertTrue(busy.startsWith("-BUSY"), busy);
            assertEquals("*3\r\n+OK\r\n:2\r\n:3\r\n", c.readReplyText());
            assertEquals("$1\r\n3\r\n", other.call("GET", "a"));
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }
}
