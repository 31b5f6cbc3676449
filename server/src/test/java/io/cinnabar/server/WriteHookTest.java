package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.db.KeyspaceListener;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.types.Digest;
import io.cinnabar.server.types.Types;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The keyspace write hook: every change to a key reaches the listeners, with Redis's event names. The random part
 * compares the whole keyspace before and after each command, so a write path that bypasses the hook fails it.
 */
class WriteHookTest {
    /** Records what the hook reports. Runs on the executor. */
    static final class Recorder implements KeyspaceListener {
        final List<String> events = new ArrayList<>();
        final Set<String> touched = new HashSet<>();
        boolean flushedOrSwapped;

        @Override
        public void keyModified(int db, byte[] key, KeyEvent event) {
            String k = db + ":" + new String(key, StandardCharsets.ISO_8859_1);
            events.add(event.name() + " " + k);
            touched.add(k);
        }

        @Override
        public void databaseFlushed(int db) {
            events.add("flushed " + db);
            flushedOrSwapped = true;
        }

        @Override
        public void databasesSwapped(int a, int b) {
            events.add("swapped " + a + " " + b);
            flushedOrSwapped = true;
        }
    }

    private static Recorder attach(Engine engine) {
        Recorder r = new Recorder();
        engine.call(() -> {
            engine.keyspace().addListener(r);
            return null;
        });
        return r;
    }

    private static List<String> drain(Engine engine, Recorder r) {
        return engine.call(() -> {
            List<String> out = new ArrayList<>(r.events);
            r.events.clear();
            r.touched.clear();
            r.flushedOrSwapped = false;
            return out;
        });
    }

    @Test
    void commandsReportRedisEventNamesInRedisOrder() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            Engine engine = server.engine();
            Recorder r = attach(engine);
            c.call("SET", "k", "v", "EX", "100");
            assertEquals(List.of("new 0:k", "set 0:k", "expire 0:k"), drain(engine, r));
            c.call("INCR", "n");
            c.call("INCRBYFLOAT", "n", "1.5");
            c.call("APPEND", "k", "x");
            c.call("SETRANGE", "k", "0", "y");
            assertEquals(List.of("new 0:n", "incrby 0:n", "incrbyfloat 0:n", "append 0:k", "setrange 0:k"),
                    drain(engine, r));
            c.call("RENAME", "k", "k2");
            c.call("COPY", "k2", "k3");
            c.call("MOVE", "k3", "1");
            assertEquals(List.of("new 0:k2", "rename_from 0:k", "rename_to 0:k2", "new 0:k3", "copy_to 0:k3",
                    "new 1:k3", "move_from 0:k3", "move_to 1:k3"), drain(engine, r));
            c.call("PERSIST", "k2");
            c.call("EXPIRE", "n", "10");
            c.call("PERSIST", "n");
            c.call("GETEX", "n", "PX", "5000");
            c.call("DEL", "k2", "nosuch");
            assertEquals(List.of("persist 0:k2", "expire 0:n", "persist 0:n", "expire 0:n", "del 0:k2"),
                    drain(engine, r));
            server.clock().advance(Duration.ofSeconds(6));
            c.call("GET", "n");
            assertEquals(List.of("expired 0:n"), drain(engine, r));
            c.call("MSET", "a", "1", "b", "2");
            c.call("EVAL", "redis.call('set', KEYS[1], 'x') return redis.call('del', KEYS[1])", "1", "a");
            c.call("FLUSHDB");
            c.call("SWAPDB", "0", "1");
            c.call("FLUSHALL");
            assertEquals(List.of("new 0:a", "set 0:a", "new 0:b", "set 0:b", "set 0:a", "del 0:a", "flushed 0",
                    "swapped 0 1", "flushed -1"), drain(engine, r));
            c.call("HSET", "h", "a", "1", "b", "2");
            c.call("HINCRBY", "h", "a", "1");
            c.call("HINCRBYFLOAT", "h", "a", "0.5");
            c.call("HDEL", "h", "a", "nosuch");
            c.call("HDEL", "h", "b");
            assertEquals(List.of("new 0:h", "hset 0:h", "hincrby 0:h", "hincrbyfloat 0:h", "hdel 0:h", "hdel 0:h",
                    "del 0:h"), drain(engine, r));
            long dirty = engine.call(() -> engine.keyspace().dirty);
            c.call("RPUSH", "src", "x");
            c.call("LMOVE", "src", "dst", "LEFT", "RIGHT");
            // checked on Redis 7.0.15 with keyspace notifications: the push, then the pop, then del; two changes
            assertEquals(List.of("new 0:src", "rpush 0:src", "new 0:dst", "rpush 0:dst", "lpop 0:src", "del 0:src"),
                    drain(engine, r));
            assertEquals(2, engine.call(() -> engine.keyspace().dirty) - dirty);
            c.call("SADD", "s", "1", "2", "3");
            c.call("SADD", "s", "1");
            c.call("SREM", "s", "1", "nosuch");
            c.call("SMOVE", "s", "t", "2");
            c.call("SMOVE", "s", "t", "3");
            c.call("SADD", "u", "x", "y");
            c.call("SINTERSTORE", "d", "t", "t");
            c.call("SUNIONSTORE", "d", "t", "u");
            c.call("SDIFFSTORE", "d", "t", "t");
            c.call("SPOP", "u");
            c.call("SPOP", "u", "5");
            c.call("SREM", "t", "2", "3");
            assertEquals(List.of("new 0:s", "sadd 0:s", "srem 0:s", "srem 0:s", "new 0:t", "sadd 0:t", "srem 0:s",
                    "del 0:s", "sadd 0:t", "new 0:u", "sadd 0:u", "new 0:d", "sinterstore 0:d", "sunionstore 0:d",
                    "del 0:d", "spop 0:u", "spop 0:u", "del 0:u", "srem 0:t", "del 0:t"), drain(engine, r));
            c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
            c.call("ZADD", "z", "NX", "1", "a");
            c.call("ZINCRBY", "z", "1", "a");
            c.call("ZREM", "z", "a", "nosuch");
            c.call("ZREMRANGEBYSCORE", "z", "2", "2");
            c.call("ZRANGESTORE", "z2", "z", "0", "-1");
            c.call("ZUNIONSTORE", "z3", "2", "z", "z2");
            c.call("ZINTERSTORE", "z3", "1", "nosuch");
            c.call("ZPOPMIN", "z");
            c.call("ZMPOP", "1", "z", "MAX");
            assertEquals(List.of("new 0:z", "zadd 0:z", "zincr 0:z", "zrem 0:z", "zremrangebyscore 0:z", "new 0:z2",
                    "zrangestore 0:z2", "new 0:z3", "zunionstore 0:z3", "del 0:z3", "zpopmin 0:z", "zpopmax 0:z",
                    "del 0:z"), drain(engine, r));
            dirty = engine.call(() -> engine.keyspace().dirty);
            c.call("RPUSH", "l", "1", "2", "3", "4", "5");
            c.call("LMPOP", "1", "l", "LEFT", "COUNT", "2");
            c.call("BLMPOP", "0", "2", "nosuch", "l", "RIGHT", "COUNT", "5");
            c.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
            c.call("BZMPOP", "0", "1", "z", "MAX", "COUNT", "2");
            c.call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "2");
            // one event per pop whatever its count, then del; the changes count the elements (as server.dirty)
            assertEquals(List.of("new 0:l", "rpush 0:l", "lpop 0:l", "rpop 0:l", "del 0:l", "new 0:z", "zadd 0:z",
                    "zpopmax 0:z", "zpopmin 0:z", "del 0:z"), drain(engine, r));
            assertEquals(5 + 2 + 3 + 3 + 2 + 1, engine.call(() -> engine.keyspace().dirty) - dirty);
        }
    }

    @Test
    void changesSinceLastSaveCountAsRedisCountsThem() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            Engine engine = server.engine();
            long before = engine.call(() -> engine.keyspace().dirty);
            c.call("MSET", "a", "1", "b", "2", "c", "3"); // 3
            c.call("SET", "d", "4", "EX", "100");          // 1, the expiry included
            c.call("DEL", "a", "b", "nosuch");              // 2
            c.call("RENAME", "c", "e");                     // 1
            c.call("SADD", "s", "1", "2", "3", "4", "5");   // 5
            c.call("SADD", "s", "1", "6");                  // 1
            c.call("SREM", "s", "1", "2", "nosuch");        // 2
            c.call("SPOP", "s", "2");                       // 2
            c.call("SMOVE", "s", "t", "7");                 // 0
            c.call("SINTERSTORE", "i", "s", "s");           // 1
            c.call("SPOP", "s", "10");                      // 2
            c.call("SUNIONSTORE", "i", "nosuch");           // 1 (deleted)
            assertEquals(21, engine.call(() -> engine.keyspace().dirty) - before);
        }
    }

    /** Key -> value and expiry of every key stored, expired or not (the raw tables, not what commands see). */
    private static Map<String, String> snapshot(Engine engine) {
        return engine.call(() -> {
            Map<String, String> all = new TreeMap<>();
            Keyspace keyspace = engine.keyspace();
            for (int i = 0; i < keyspace.count(); i++) {
                Database db = keyspace.db(i);
                int id = i;
                db.forEach(e -> {
                    Digest digest = new Digest();
                    Types.digest(e.value, digest);
                    all.put(id + ":" + new String(e.key, StandardCharsets.ISO_8859_1), digest.hex() + "@" + e.expireAt);
                });
            }
            return all;
        });
    }

    @Test
    void noWritePathBypassesTheHook() throws Exception {
        String[] keys = {"a", "b", "c", "n"};
        Random random = new Random(20261130);
        try (CinnabarServer server = CinnabarServer.builder().databases(3).build().start();
             RespClient c = new RespClient(server.port())) {
            Engine engine = server.engine();
            Recorder r = attach(engine);
            for (int i = 0; i < 3000; i++) {
                String k = keys[random.nextInt(keys.length)];
                String k2 = keys[random.nextInt(keys.length)];
                String v = Integer.toString(random.nextInt(20));
                long future = System.currentTimeMillis() + 3_600_000L;
                String[][] choices = {
                    {"SET", k, v}, {"SET", k, v, "PX", "1500"}, {"SET", k, v, "NX"}, {"SET", k, v, "XX", "GET"},
                    {"SET", k, v, "KEEPTTL"}, {"SETNX", k, v}, {"SETEX", k, "2", v}, {"PSETEX", k, "900", v},
                    {"GETSET", k, v}, {"GETDEL", k}, {"GETEX", k, "PERSIST"}, {"GETEX", k, "EX", "1"},
                    {"GETEX", k, "PXAT", "1"}, {"MSET", k, v, k2, v}, {"MSETNX", k, v, k2, v}, {"APPEND", k, v},
                    {"INCR", k}, {"DECRBY", k, v}, {"INCRBYFLOAT", k, "0.5"}, {"SETRANGE", k, "2", v},
                    {"DEL", k, k2}, {"UNLINK", k}, {"RENAME", k, k2}, {"RENAMENX", k, k2}, {"COPY", k, k2},
                    {"COPY", k, k2, "DB", "1", "REPLACE"}, {"MOVE", k, "2"}, {"EXPIRE", k, "1"},
                    {"PEXPIRE", k, "700", "NX"}, {"EXPIREAT", k, "1"}, {"PEXPIREAT", k, Long.toString(future)},
                    {"PERSIST", k}, {"SELECT", Integer.toString(random.nextInt(3))}, {"SWAPDB", "0", "1"},
                    {"EVAL", "redis.call('incr', KEYS[1]) return redis.call('expire', KEYS[2], 1)", "2", k, k2},
                    {"HSET", k, "f", v, "g", v}, {"HSETNX", k, "h", v}, {"HDEL", k, "f", "g"}, {"HDEL", k, "h"},
                    {"HINCRBY", k, "n", "2"}, {"HINCRBYFLOAT", k, "x", "0.5"}, {"HGETALL", k},
                    {"SADD", k, v, "x"}, {"SADD", k, v}, {"SREM", k, v, "x"}, {"SPOP", k}, {"SPOP", k, "2"},
                    {"SMOVE", k, k2, v}, {"SINTERSTORE", k, k2, k}, {"SUNIONSTORE", k2, k, k2}, {"SDIFFSTORE", k, k2},
                    {"SMEMBERS", k}, {"SRANDMEMBER", k, "-2"},
                    {"RPUSH", k, v, v}, {"LPUSH", k, v}, {"LPOP", k}, {"RPOP", k, "2"}, {"LSET", k, "0", v},
                    {"LINSERT", k, "BEFORE", v, "x"}, {"LREM", k, "0", v}, {"LTRIM", k, "1", "-1"},
                    {"LMOVE", k, k2, "LEFT", "RIGHT"}, {"RPOPLPUSH", k, k2}, {"BLPOP", k, "0.01"},
                    {"LMPOP", "2", k, k2, "RIGHT", "COUNT", "2"}, {"BLMPOP", "0.01", "1", k, "LEFT"},
                    {"BZMPOP", "0.01", "2", k, k2, "MAX", "COUNT", "2"}, {"BLMOVE", k, k2, "RIGHT", "LEFT", "0.01"},
                    {"ZADD", k, v, "m", "1", v}, {"ZADD", k, "GT", "CH", v, "m"}, {"ZINCRBY", k, "1.5", "x"},
                    {"ZREM", k, "m", v}, {"ZREMRANGEBYRANK", k, "0", "0"}, {"ZREMRANGEBYSCORE", k, "-inf", v},
                    {"ZREMRANGEBYLEX", k, "-", "[m"}, {"ZPOPMIN", k}, {"ZPOPMAX", k, "2"},
                    {"ZMPOP", "2", k, k2, "MIN", "COUNT", "2"}, {"ZRANGESTORE", k2, k, "0", "1"},
                    {"ZUNIONSTORE", k2, "2", k, k2}, {"ZINTERSTORE", k2, "2", k, k2}, {"ZDIFFSTORE", k2, "2", k, k2},
                    {"ZRANGE", k, "0", "-1"},
                    {"GET", k}, {"EXISTS", k, k2}, {"TTL", k}, {"FLUSHDB"},
                };
                String[] command = choices[random.nextInt(choices.length - (i % 50 == 0 ? 0 : 1))];
                Map<String, String> before = snapshot(engine);
                if (random.nextInt(10) == 0) {
                    server.clock().advance(Duration.ofMillis(random.nextInt(2500))); // lazy and active expiry
                }
                c.call(command);
                Map<String, String> after = snapshot(engine);
                List<String> events = new ArrayList<>(r.events);
                boolean bulk = engine.call(() -> r.flushedOrSwapped);
                Set<String> touched = engine.call(() -> new HashSet<>(r.touched));
                drain(engine, r);
                if (bulk) {
                    continue; // FLUSHDB and SWAPDB report the whole database
                }
                Set<String> changed = new HashSet<>(before.keySet());
                changed.addAll(after.keySet());
                changed.removeIf(key -> Objects.equals(before.get(key), after.get(key)));
                for (String key : changed) {
                    if (!touched.contains(key)) {
                        fail("step " + i + ": " + String.join(" ", command) + " changed " + key + " ("
                                + before.get(key) + " -> " + after.get(key) + ") without telling the hook; events "
                                + events);
                    }
                }
            }
        }
    }
}
