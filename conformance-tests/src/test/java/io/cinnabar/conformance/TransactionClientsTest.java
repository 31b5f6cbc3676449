package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/** Transactions through Jedis and Lettuce, and the WATCH/MULTI/EXEC optimistic-lock loop applications use. */
class TransactionClientsTest {
    @RegisterExtension
    static final CinnabarExtension REDIS = CinnabarExtension.perClass();

    @Test
    void jedisTransactionsQueueAndExecute(CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port());
             Jedis other = new Jedis("127.0.0.1", server.port())) {
            Transaction t = jedis.multi();
            Response<String> set = t.set("a", "1");
            Response<Long> incr = t.incr("a");
            Response<Long> push = t.rpush("list", "x", "y");
            List<Object> results = t.exec();
            assertEquals(3, results.size());
            assertEquals("OK", set.get());
            assertEquals(2L, incr.get());
            assertEquals(2L, push.get());
            // a watched key changed by another client: EXEC returns null, nothing is written
            jedis.watch("a");
            other.set("a", "changed");
            Transaction failed = jedis.multi();
            failed.set("a", "mine");
            assertNull(failed.exec());
            assertEquals("changed", jedis.get("a"));
            // DISCARD
            Transaction discarded = jedis.multi();
            discarded.set("b", "1");
            assertEquals("OK", discarded.discard());
            assertNull(jedis.get("b"));
        }
    }

    @Test
    void lettuceTransactionsOverResp3(URI uri) {
        RedisClient client = RedisClient.create(uri.toString());
        RedisClient otherClient = RedisClient.create(uri.toString());
        try (StatefulRedisConnection<String, String> connection = client.connect();
             StatefulRedisConnection<String, String> otherConnection = otherClient.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            assertEquals("OK", redis.multi());
            redis.set("k", "v");
            redis.hset("h", "f", "1");
            redis.zadd("z", 1.5, "m");
            redis.zscore("z", "m");
            TransactionResult result = redis.exec();
            assertTrue(!result.wasDiscarded());
            assertEquals(4, result.size());
            assertEquals("OK", result.get(0));
            assertEquals(Boolean.TRUE, result.get(1));
            assertEquals(1L, (Long) result.get(2));
            assertEquals(1.5, (Double) result.get(3));
            redis.watch("k");
            otherConnection.sync().set("k", "other");
            redis.multi();
            redis.set("k", "mine");
            assertTrue(redis.exec().wasDiscarded());
            assertEquals("other", redis.get("k"));
        } finally {
            client.shutdown();
            otherClient.shutdown();
        }
    }

    /** Spring Data's SessionCallback recipe: WATCH, read, MULTI, write, EXEC, retry when EXEC answers null. */
    @Test
    void concurrentOptimisticIncrementsLoseNoUpdate(CinnabarServer server) throws Exception {
        int clients = 4;
        int increments = 100;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> retries = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                retries.add(pool.submit(() -> {
                    int retried = 0;
                    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                        for (int n = 0; n < increments; n++) {
                            while (true) {
                                jedis.watch("counter");
                                String current = jedis.get("counter");
                                long value = current == null ? 0 : Long.parseLong(current);
                                Transaction t = jedis.multi();
                                t.set("counter", Long.toString(value + 1));
                                if (t.exec() != null) {
                                    break;
                                }
                                retried++;
                            }
                        }
                    }
                    return retried;
                }));
            }
            for (Future<Integer> f : retries) {
                f.get();
            }
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                assertEquals(Integer.toString(clients * increments), jedis.get("counter"));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
