package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spring Boot's auto-configured Lettuce connection pointed at Cinnabar through spring.data.redis.url. */
@SpringBootTest
class SpringDataRedisTest {
    @RegisterExtension
    static final CinnabarExtension redis = CinnabarExtension.shared(); // one server, like Spring's cached context

    @DynamicPropertySource
    static void redisUrl(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> redis.server().uri().toString());
    }

    @SpringBootApplication
    static class App {
    }

    @Autowired
    StringRedisTemplate template;

    @Test
    void templateReadsAndWrites(CinnabarServer server) {
        template.opsForValue().set("user:1:name", "ada", Duration.ofSeconds(10));
        assertEquals("ada", template.opsForValue().get("user:1:name"));
        assertEquals(5L, template.opsForValue().increment("user:1:logins", 5));
        assertTrue(template.hasKey("user:1:logins"));
        Long exists = template.execute(RedisScript.of("return redis.call('exists', KEYS[1], KEYS[2])", Long.class),
                List.of("user:1:name", "user:1:logins"));
        assertEquals(2L, exists);

        server.clock().advance(Duration.ofSeconds(11));
        assertNull(template.opsForValue().get("user:1:name"));
        assertFalse(template.hasKey("user:1:name"));
    }

    @Test
    void applicationKeepsBootsNetty41() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.IoHandler"));
        assertEquals("4.1", io.netty.util.Version.identify().get("netty-common").artifactVersion().substring(0, 3));
    }
}
