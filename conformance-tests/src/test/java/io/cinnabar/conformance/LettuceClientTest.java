package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lettuce (which starts with HELLO 3 and so speaks RESP3) against the embedded server. */
class LettuceClientTest {
    @RegisterExtension
    static final CinnabarExtension REDIS = CinnabarExtension.perClass();

    @Test
    void speaksResp3AndDoesTheCommonCommands(URI uri) {
        RedisClient client = RedisClient.create(uri.toString());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            assertEquals("OK", redis.set("k", "v"));
            assertEquals("v", redis.get("k"));
            assertNull(redis.get("missing"));
            assertEquals(5, redis.incrby("n", 5));
            assertTrue(redis.expire("k", 30));
            assertEquals(30, redis.ttl("k"));
            assertEquals(2.5, Double.parseDouble(redis.incrbyfloat("f", 2.5).toString()));
            assertTrue(redis.info("server").contains("redis_version:7.0.15"));
            assertTrue(redis.clientList().contains("resp=3"), "HELLO 3 switched the connection to RESP3");
            for (int i = 0; i < 100; i++) {
                redis.set("s:" + i, "x");
            }
            Set<String> seen = new HashSet<>();
            KeyScanCursor<String> cursor = redis.scan(ScanArgs.Builder.matches("s:*").limit(10));
            seen.addAll(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = redis.scan(ScanCursor.of(cursor.getCursor()), ScanArgs.Builder.matches("s:*").limit(10));
                seen.addAll(cursor.getKeys());
            }
            assertEquals(100, seen.size());
        } finally {
            client.shutdown();
        }
    }
}
