package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.cinnabar.server.testing.RespClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** Scripts as applications use them, through Jedis, Lettuce and redis-py's register_script protocol. */
@ExtendWith(CinnabarExtension.class)
class ScriptingClientsTest {
    /** A fixed-window rate limiter: allow ARGV[1] calls per ARGV[2] seconds per key. */
    static final String RATE_LIMITER = """
            local current = redis.call('INCR', KEYS[1])
            if current == 1 then
              redis.call('EXPIRE', KEYS[1], ARGV[2])
            end
            if current > tonumber(ARGV[1]) then
              return 0
            end
            return 1
            """;

    /** Releases a lock only if the caller still owns it. */
    static final String RELEASE_LOCK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            else
              return 0
            end
            """;

    @Test
    void jedisRateLimiterAllowsTheQuotaPerWindow(CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            String sha = jedis.scriptLoad(RATE_LIMITER);
            for (int i = 0; i < 3; i++) {
                assertEquals(1L, jedis.evalsha(sha, List.of("rate:alice"), List.of("3", "60")));
            }
            assertEquals(0L, jedis.evalsha(sha, List.of("rate:alice"), List.of("3", "60")));
            assertEquals(60L, jedis.ttl("rate:alice"));
            server.clock().advance(Duration.ofSeconds(61));
            assertEquals(1L, jedis.evalsha(sha, List.of("rate:alice"), List.of("3", "60")));
        }
    }

    @Test
    void jedisLockReleaseOnlyByTheOwner(CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            jedis.set("lock:res", "owner-1");
            assertEquals(0L, jedis.eval(RELEASE_LOCK, List.of("lock:res"), List.of("owner-2")));
            assertEquals("owner-1", jedis.get("lock:res"));
            assertEquals(1L, jedis.eval(RELEASE_LOCK, List.of("lock:res"), List.of("owner-1")));
            assertNull(jedis.get("lock:res"));
        }
    }

    @Test
    void jedisSeesNoscriptAndCanLoadThenRetry(CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            String sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"; // sha1("return 1")
            jedis.scriptFlush();
            assertThrows(JedisNoScriptException.class, () -> jedis.evalsha(sha));
            assertEquals(sha, jedis.scriptLoad("return 1"));
            assertEquals(1L, jedis.evalsha(sha));
            assertEquals(List.of(true, false), jedis.scriptExists(sha, "0000000000000000000000000000000000000000"));
        }
    }

    @Test
    void lettuceScriptingInResp3(CinnabarServer server) {
        RedisClient client = RedisClient.create(server.uri().toString());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            String sha = redis.scriptLoad(RATE_LIMITER);
            Long allowed = redis.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"rate:bob"}, "1", "10");
            assertEquals(1L, allowed);
            assertEquals(0L, (Long) redis.evalsha(sha, ScriptOutputType.INTEGER, new String[] {"rate:bob"}, "1", "10"));
            assertThrows(RedisNoScriptException.class,
                    () -> redis.evalsha("0000000000000000000000000000000000000000", ScriptOutputType.INTEGER));
            List<Object> mixed = redis.eval("return {1, 'two', {3}}", ScriptOutputType.MULTI);
            assertEquals(3, mixed.size());
            assertEquals("two", mixed.get(1));
            assertEquals("OK", redis.eval("return redis.call('set', KEYS[1], ARGV[1])", ScriptOutputType.STATUS,
                    new String[] {"k"}, "v"));
        } finally {
            client.shutdown();
        }
    }

    /** redis-py's Script object: EVALSHA first, and on NOSCRIPT (the exact prefix) EVAL, which caches it. */
    @Test
    void redisPyRegisterScriptProtocol(CinnabarServer server) {
        try (RespClient c = new RespClient(server.port())) {
            c.call("SCRIPT", "FLUSH");
            String sha = io.cinnabar.server.script.EvalScripts.sha1hex(
                    RATE_LIMITER.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String first = c.call("EVALSHA", sha, "1", "rate:carol", "5", "10");
            assertTrue(first.startsWith("-NOSCRIPT "), first);
            assertEquals(":1\r\n", c.call("EVAL", RATE_LIMITER, "1", "rate:carol", "5", "10"));
            assertEquals(":1\r\n", c.call("EVALSHA", sha, "1", "rate:carol", "5", "10"));
            assertFalse(c.call("SCRIPT", "EXISTS", sha).contains(":0"));
        }
    }
}
