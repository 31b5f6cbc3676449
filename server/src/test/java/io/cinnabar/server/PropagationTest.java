package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every write reaches the propagation tap in the form it must be replayed (what AOF and replicas will read). */
class PropagationTest {
    private final List<String> fed = new ArrayList<>();

    private final Propagator recorder = new Propagator() {
        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void feed(int db, byte[][] argv, int argc) {
            StringBuilder sb = new StringBuilder(db + ":");
            for (int i = 0; i < argc; i++) {
                sb.append(' ').append(new String(argv[i], StandardCharsets.UTF_8));
            }
            fed.add(sb.toString());

        }
    };

    @Test
    void writesArePropagatedWithAbsoluteExpiryAndReadsAreNot() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            server.engine().call(() -> {
                server.engine().keyspace().tap().add(recorder);
                return null;
            });
            c.call("SET", "a", "1");
            c.call("GET", "a");
            c.call("SET", "b", "2", "EX", "100");
            c.call("EXPIRE", "a", "50");
            c.call("INCRBYFLOAT", "f", "1.5");
            c.call("SELECT", "2");
            c.call("SET", "c", "3", "PX", "10");
            server.clock().advance(Duration.ofMillis(50));
            c.call("GET", "c");
            c.call("EVAL", "redis.call('set', 'x', 'y') redis.call('incr', 'n') return 1", "0");
            c.call("EVAL", "redis.call('get', 'x') return redis.call('del', 'x')", "0");
            c.call("EVAL", "return redis.call('get', 'n')", "0");
            long now = server.engine().clock().millis();
            assertEquals(11, fed.size(), fed.toString());
            assertEquals("0: SET a 1", fed.get(0));
            long pxat = Long.parseLong(fed.get(1).substring(fed.get(1).lastIndexOf(' ') + 1));
            assertEquals("0: SET b 2 PXAT " + pxat, fed.get(1));
            assertEquals(true, Math.abs(pxat - 100_000 - (now - 50)) < 5_000);
            assertEquals(true, fed.get(2).startsWith("0: PEXPIREAT a "));
            assertEquals("0: SET f 1.5 KEEPTTL", fed.get(3));
            assertEquals(true, fed.get(4).startsWith("2: SET c 3 PXAT "));
            assertEquals("2: DEL c", fed.get(5));
            // a script's writes: wrapped in MULTI/EXEC when more than one, alone when one, nothing for reads
            assertEquals("2: MULTI", fed.get(6));
            assertEquals("2: set x y", fed.get(7));
            assertEquals("2: incr n", fed.get(8));
            assertEquals("2: EXEC", fed.get(9));
            assertEquals("2: del x", fed.get(10));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void execPropagatesItsWritesOnceWrappedInMultiExecAsRedis() {
        try (CinnabarServer server = CinnabarServer.builder().config("enable-debug-command", "yes").build().start();
             RespClient c = new RespClient(server.port())) {
            server.engine().call(() -> {
                server.engine().keyspace().tap().add(recorder);
                return null;
            });
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("GET", "a");
            c.call("EXEC");                                     // one write: alone
            c.call("MULTI");
            c.call("SET", "b", "1");
            c.call("INCR", "b");
            c.call("EXEC");                                     // two: wrapped
            c.call("MULTI");
            c.call("GET", "a");
            c.call("EXEC");                                     // none
            c.call("MULTI");
            c.call("SELECT", "2");
            c.call("SET", "c", "1");
            c.call("SELECT", "0");
            c.call("SET", "d", "1");
            c.call("EXEC");                                     // MULTI in the first write's database
            c.call("SADD", "s", "x", "y", "z");
            c.call("MULTI");
            c.call("SET", "e", "1");
            c.call("EVAL", "redis.call('set', 'f', 1) redis.call('set', 'g', 1)", "0");
            c.call("SPOP", "s", "2");
            c.call("EXEC");                                     // a script's and SPOP's writes join, unwrapped
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            c.call("SET", "x", "1", "PX", "10");
            sleep(50); // real time: advancing the virtual clock expires due keys at once
            c.call("SET", "x", "2");                            // the expired key's DEL and the SET: one batch
            assertEquals(List.of("0: SET a 1", "0: MULTI", "0: SET b 1", "0: INCR b", "0: EXEC",
                    "2: MULTI", "2: SET c 1", "0: SET d 1", "0: EXEC", "0: SADD s x y z",
                    "0: MULTI", "0: SET e 1", "0: set f 1", "0: set g 1"), fed.subList(0, 14));
            assertEquals(true, fed.get(14).startsWith("0: SREM s ") && fed.get(15).startsWith("0: SREM s "));
            assertEquals("0: EXEC", fed.get(16));
            assertEquals(true, fed.get(17).startsWith("0: SET x 1 PXAT "), fed.get(17));
            assertEquals(List.of("0: MULTI", "0: DEL x", "0: SET x 2", "0: EXEC"), fed.subList(18, Math.min(22, fed.size())), fed.toString());
            assertEquals(22, fed.size(), fed.toString());
        }
    }

    @Test
    void spopIsPropagatedAsSremsWrappedInMultiOrAsDel() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            server.engine().call(() -> {
                server.engine().keyspace().tap().add(recorder);
                return null;
            });
            c.call("SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
            c.call("SPOP", "s");        // one SREM
            c.call("SPOP", "s", "2");   // SREMs in MULTI/EXEC (few taken)
            c.call("SPOP", "s", "6");   // SREMs in MULTI/EXEC (most taken: the rest is rebuilt)
            c.call("SPOP", "s", "0");   // nothing
            c.call("SADD", "s", "a", "b");
            c.call("SPOP", "s", "1");   // a single SREM, not wrapped
            c.call("SRANDMEMBER", "s"); // read-only
            c.call("SPOP", "s", "5");   // the whole set: DEL
            c.call("SADD", "t", "a", "b", "c");
            c.call("EVAL", "return redis.call('spop', KEYS[1], 2)", "1", "t"); // the script wraps, once
            assertEquals("0: SADD s 1 2 3 4 5 6 7 8 9 10", fed.get(0));
            assertEquals(true, fed.get(1).startsWith("0: SREM s "), fed.toString());
            assertEquals(List.of("0: MULTI"), fed.subList(2, 3));
            assertEquals(true, fed.get(3).startsWith("0: SREM s ") && fed.get(4).startsWith("0: SREM s "));
            assertEquals("0: EXEC", fed.get(5));
            assertEquals("0: MULTI", fed.get(6));
            for (int i = 7; i < 13; i++) {
                assertEquals(true, fed.get(i).startsWith("0: SREM s "), fed.toString());
            }
            assertEquals("0: EXEC", fed.get(13));
            assertEquals("0: SADD s a b", fed.get(14));
            assertEquals(true, fed.get(15).startsWith("0: SREM s "), fed.toString());
            assertEquals("0: DEL s", fed.get(16));
            assertEquals("0: SADD t a b c", fed.get(17));
            assertEquals("0: MULTI", fed.get(18));
            assertEquals(true, fed.get(19).startsWith("0: SREM t ") && fed.get(20).startsWith("0: SREM t "));
            assertEquals("0: EXEC", fed.get(21));
            assertEquals(22, fed.size(), fed.toString());
        }
    }

    /** Keeps what it is fed as given, to check later that the server never reused or changed it. */
    private static final class Keeper implements Propagator {
        final List<byte[][]> arrays = new ArrayList<>();
        final List<String> asFed = new ArrayList<>();
        final List<String> threads = new ArrayList<>();

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void feed(int db, byte[][] argv, int argc) {
            arrays.add(argv);
            asFed.add(text(argv, argc));
            threads.add(Thread.currentThread().getName());
        }

        static String text(byte[][] argv, int argc) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < argc; i++) {
                sb.append(new String(argv[i], StandardCharsets.UTF_8)).append(' ');
            }
            return sb.toString();
        }
    }

    @Test
    void everyListenerGetsEveryWriteOnTheExecutorInArraysNeverReused() {
        Keeper first = new Keeper();
        Keeper second = new Keeper();
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            server.engine().call(() -> {
                server.engine().keyspace().tap().add(first);
                server.engine().keyspace().tap().add(second);
                return null;
            });
            for (int i = 0; i < 50; i++) {
                c.call("SET", "k" + i, "v" + i);
                c.call("APPEND", "k" + i, "x");
                c.call("EVAL", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', 'n')", "1", "s" + i,
                        "w" + i);
            }
            server.engine().call(() -> {
                server.engine().keyspace().tap().remove(second);
                return null;
            });
            c.call("SET", "after", "1");
        }
        assertEquals(50 * 6 + 1, first.asFed.size());
        assertEquals(50 * 6, second.asFed.size());
        assertEquals("SET k7 v7 ", first.asFed.get(7 * 6));
        for (int i = 0; i < first.arrays.size(); i++) {
            byte[][] argv = first.arrays.get(i);
            assertEquals(first.asFed.get(i), Keeper.text(argv, argv.length), "command " + i + " changed after");
            assertEquals(true, first.threads.get(i).startsWith("cinnabar-executor"), first.threads.get(i));
        }
    }

    private static void awaitBlocked(RespClient probe, int n) throws InterruptedException {
        for (int i = 0; i < 500 && !probe.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n"); i++) {
            Thread.sleep(5);
        }
    }

    /** The forms Redis 7.0.15 sent its replicas for the same commands (recorded with redis-cli --replica). */
    @Test
    void poppingAndBlockingCommandsArePropagatedAsThePlainPopsOrMovesTheyAmountTo() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port());
             RespClient waiting = new RespClient(server.port())) {
            server.engine().call(() -> {
                server.engine().keyspace().tap().add(recorder);
                return null;
            });
            c.call("RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8");
            c.call("lmove", "l", "d", "left", "right");
            c.call("rpoplpush", "l", "d");
            c.call("BRPOPLPUSH", "l", "d", "0");
            c.call("blmove", "l", "d", "right", "left", "0");
            c.call("BLPOP", "nx", "l", "0");
            c.call("BRPOP", "l", "0");
            c.call("BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "5");
            c.call("LMPOP", "1", "l", "LEFT");
            c.call("LMPOP", "1", "l", "LEFT"); // nothing left: nothing propagated
            c.call("BLMPOP", "0.001", "1", "l", "LEFT");
            c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
            c.call("ZMPOP", "1", "z", "MIN", "COUNT", "1");
            c.call("BZPOPMIN", "z", "0");
            c.call("BZMPOP", "0", "1", "z", "MAX", "COUNT", "7");
            c.call("ZMPOP", "1", "z", "MIN"); // nothing left
            assertEquals(List.of("0: RPUSH l 1 2 3 4 5 6 7 8", "0: lmove l d left right", "0: rpoplpush l d",
                    "0: RPOPLPUSH l d", "0: LMOVE l d right left", "0: LPOP l", "0: RPOP l", "0: RPOP l 2",
                    "0: ZADD z 1 a 2 b 3 c 4 d", "0: ZPOPMIN z 1", "0: ZPOPMIN z", "0: ZPOPMAX z 2"),
                    fed);
            fed.clear();
            // waiters served after another client's command: each pop alone, after that command
            String[][] served = {
                {"BLMPOP", "0", "2", "nx", "q", "LEFT", "COUNT", "5"}, {"RPUSH", "q", "1", "2"},
                {"BLMPOP", "0", "1", "q", "RIGHT"}, {"RPUSH", "q", "1", "2"},
                {"BLPOP", "q2", "0"}, {"RPUSH", "q2", "1"},
                {"blmove", "m", "n", "right", "LEFT", "0"}, {"RPUSH", "m", "1"},
                {"BRPOPLPUSH", "m2", "n", "0"}, {"RPUSH", "m2", "1"},
                {"BZPOPMAX", "y", "0"}, {"ZADD", "y", "1", "a", "2", "b"},
                {"BZMPOP", "0", "1", "y2", "MIN", "COUNT", "5"}, {"ZADD", "y2", "1", "a", "2", "b"}};
            for (int i = 0; i < served.length; i += 2) {
                waiting.send(RespClient.encode(served[i]));
                awaitBlocked(c, 1);
                c.call(served[i + 1]);
                waiting.readReply();
                assertEquals("+OK\r\n", waiting.call("SET", "after", Integer.toString(i))); // propagated as ever
            }
            assertEquals(List.of("0: RPUSH q 1 2", "0: LPOP q 2", "0: SET after 0",
                    "0: RPUSH q 1 2", "0: RPOP q 1", "0: SET after 2",
                    "0: RPUSH q2 1", "0: LPOP q2", "0: SET after 4",
                    "0: RPUSH m 1", "0: LMOVE m n right left", "0: SET after 6",
                    "0: RPUSH m2 1", "0: RPOPLPUSH m2 n", "0: SET after 8",
                    "0: ZADD y 1 a 2 b", "0: ZPOPMAX y", "0: SET after 10",
                    "0: ZADD y2 1 a 2 b", "0: ZPOPMIN y2 2", "0: SET after 12"), fed);
            fed.clear();
            // in scripts: BLMPOP and BZMPOP run without blocking and are replayed as pops
            c.call("RPUSH", "l", "1", "2", "3");
            c.call("EVAL", "return redis.call('lmpop', 1, 'l', 'left', 'count', 2)", "0");
            c.call("EVAL", "redis.call('set', 's', '1') return redis.call('blmpop', 0, 1, 'l', 'left', 'count', 2)",
                    "0");
            c.call("EVAL", "return redis.call('blmpop', 0, 1, 'l', 'left')", "0");
            assertEquals(List.of("0: RPUSH l 1 2 3", "0: LPOP l 2", "0: MULTI", "0: set s 1", "0: LPOP l 1",
                    "0: EXEC"), fed);
        }
    }
}
