package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.junit.CinnabarExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lettuce's near cache (ClientSideCaching over RESP3 CLIENT TRACKING), invalidated by another client's writes. */
class ClientSideCachingTest {
    @RegisterExtension
    static final CinnabarExtension REDIS = CinnabarExtension.perClass();

    /** GET calls the server has served, from INFO commandstats. */
    private static long getCalls(RedisCommands<String, String> admin) {
        String stats = admin.info("commandstats");
        int at = stats.indexOf("cmdstat_get:calls=");
        if (at < 0) {
            return 0;
        }
        int from = at + "cmdstat_get:calls=".length();
        return Long.parseLong(stats.substring(from, stats.indexOf(',', from)));
    }

    /** A map-backed near cache that also reports each key the invalidations evict. */
    private static CacheAccessor<String, String> recording(Map<String, String> cache, BlockingQueue<String> evicted) {
        CacheAccessor<String, String> map = CacheAccessor.forMap(cache);
        return new CacheAccessor<>() {
            @Override
            public String get(String key) {
                return map.get(key);
            }

            @Override
            public void put(String key, String value) {
                map.put(key, value);
            }

            @Override
            public void evict(String key) {
                map.evict(key);
                evicted.add(key);
            }
        };
    }

    private static void awaitGone(Map<String, String> cache, String key) throws InterruptedException {
        for (int i = 0; i < 500 && cache.containsKey(key); i++) {
            Thread.sleep(5);
        }
        assertFalse(cache.containsKey(key), key + " still cached");
    }

    @Test
    void nearCacheServesReadsLocallyUntilAnotherClientWritesTheKey(URI uri) throws Exception {
        RedisClient client = RedisClient.create(uri.toString());
        try (StatefulRedisConnection<String, String> tracked = client.connect();
             StatefulRedisConnection<String, String> other = client.connect()) {
            RedisCommands<String, String> writer = other.sync();
            Map<String, String> cache = new ConcurrentHashMap<>();
            BlockingQueue<String> invalidated = new LinkedBlockingQueue<>();
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(recording(cache, invalidated), tracked,
                    TrackingArgs.Builder.enabled());
            try {
                writer.set("user:1", "alice");
                writer.set("user:2", "carol");
                assertEquals("alice", frontend.get("user:1"));
                assertEquals("carol", frontend.get("user:2"));
                long served = getCalls(writer);
                assertEquals("alice", frontend.get("user:1")); // from the near cache
                assertEquals(served, getCalls(writer));
                assertTrue(tracked.sync().clientList().contains(" flags=t "));

                writer.set("user:1", "bob");
                assertEquals("user:1", invalidated.poll(5, TimeUnit.SECONDS));
                awaitGone(cache, "user:1");
                assertEquals("carol", cache.get("user:2")); // untouched keys stay cached
                assertEquals("bob", frontend.get("user:1"));
                assertEquals(served + 1, getCalls(writer));

                writer.del("user:2");
                assertEquals("user:2", invalidated.poll(5, TimeUnit.SECONDS));
                awaitGone(cache, "user:2");
                assertEquals(null, frontend.get("user:2"));
            } finally {
                frontend.close();
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void broadcastModeInvalidatesEveryKeyUnderThePrefix(URI uri) throws Exception {
        RedisClient client = RedisClient.create(uri.toString());
        try (StatefulRedisConnection<String, String> tracked = client.connect();
             StatefulRedisConnection<String, String> other = client.connect()) {
            RedisCommands<String, String> writer = other.sync();
            Map<String, String> cache = new ConcurrentHashMap<>();
            BlockingQueue<String> invalidated = new LinkedBlockingQueue<>();
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(recording(cache, invalidated), tracked,
                    TrackingArgs.Builder.enabled().bcast().prefixes("product:").noloop());
            try {
                writer.set("product:7", "lamp");
                assertEquals("product:7", invalidated.poll(5, TimeUnit.SECONDS)); // BCAST: whether read or not
                assertEquals("lamp", frontend.get("product:7"));
                writer.set("order:1", "x"); // outside the prefix: nothing
                writer.set("product:7", "desk");
                assertEquals("product:7", invalidated.poll(5, TimeUnit.SECONDS));
                awaitGone(cache, "product:7");
                assertEquals("desk", frontend.get("product:7"));
                assertTrue(invalidated.isEmpty());
            } finally {
                frontend.close();
            }
        } finally {
            client.shutdown();
        }
    }
}
