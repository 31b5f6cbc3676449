package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis against the embedded server, through the JUnit 5 extension. */
@ExtendWith(CinnabarExtension.class)
class JedisClientTest {
    @Test
    void pooledClientDoesTheCommonCommands(CinnabarServer server) {
        // a pooled client sends CLIENT SETINFO (lib-name, lib-ver) on every new connection
        try (JedisPool pool = new JedisPool(new JedisPoolConfig(), "127.0.0.1", server.port())) {
            try (Jedis jedis = pool.getResource()) {
                assertEquals("OK", jedis.set("greeting", "hello"));
                assertEquals("hello", jedis.get("greeting"));
                assertEquals(1, jedis.incr("counter"));
                assertEquals(11, jedis.incrBy("counter", 10));
                assertEquals(1, jedis.expire("greeting", 100));
                assertEquals(100, jedis.ttl("greeting"));
                assertNull(jedis.get("missing"));
                assertEquals("OK", jedis.set("px", "v", SetParams.setParams().px(50_000).nx()));
                String info = jedis.clientInfo();
                assertTrue(info.contains("cmd=client|info"), info);
            }
        }
    }

    @Test
    void scanWalksTheWholeKeyspace(CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            for (int i = 0; i < 300; i++) {
                jedis.set("k:" + i, Integer.toString(i));
            }
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("k:*").count(25));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(300, seen.size());
        }
    }

    @Test
    void expiryFollowsTheVirtualClock(CinnabarServer server) {
        try (Jedis jedis = new Jedis(server.uri())) {
            jedis.setex("session", 60, "alive");
            server.clock().advance(Duration.ofSeconds(61));
            assertNull(jedis.get("session"));
            assertEquals(0, jedis.dbSize());
        }
    }

    @Test
    void dataIsFlushedBetweenTests(CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            assertNull(jedis.get("greeting"));
            assertNull(jedis.get("k:1"));
        }
    }
}
