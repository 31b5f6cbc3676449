package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.cinnabar.server.junit.CinnabarPort;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** A plain Jedis project: the extension and the builder API, and nothing of Cinnabar's own libraries visible. */
@ExtendWith(CinnabarExtension.class)
class JedisPlainTest {

    @Test
    void extensionServesJedis(@CinnabarPort int port, CinnabarServer server) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            assertEquals("PONG", jedis.ping());
            assertEquals("OK", jedis.setex("session", 60, "alive"));
            assertEquals(3L, jedis.incrBy("counter", 3));
            assertEquals(List.of("alive", "3"), jedis.mget("session", "counter"));
            assertEquals(1L, jedis.eval("return redis.call('exists', KEYS[1])", List.of("session"), List.of()));
            server.clock().advance(Duration.ofMinutes(2));
            assertNull(jedis.get("session"));
        }
    }

    @Test
    void builderStartsAServerWithAPassword() {
        try (CinnabarServer server = CinnabarServer.builder().password("secret").build().start();
             Jedis jedis = new Jedis(server.uri())) {
            assertEquals("OK", jedis.set("k", "v"));
            assertEquals("v", jedis.get("k"));
        }
    }

    @Test
    void cinnabarsLibrariesStayPrivate() {
        // Jedis has no Netty, fastutil or luaj: Cinnabar's relocated copies must not show under their own names.
        for (String name : List.of("io.netty.channel.Channel", "io.netty.buffer.ByteBuf",
                "it.unimi.dsi.fastutil.longs.Long2ObjectLinkedOpenHashMap", "org.luaj.vm2.LuaValue")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
        }
        assertFalse(getClass().getClassLoader().resources("META-INF/services/javax.script.ScriptEngineFactory")
                .anyMatch(u -> u.toString().contains("cinnabar")));
    }
}
