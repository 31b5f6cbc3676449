package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Redisson pins Netty 4.1; Cinnabar runs beside it on its own private Netty. */
class RedissonTest {
    @RegisterExtension
    static final CinnabarExtension redis = CinnabarExtension.perClass();

    static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.server().uri().toString());
        redisson = Redisson.create(config);
    }

    @AfterAll
    static void disconnect() {
        redisson.shutdown();
    }

    @Test
    void projectKeepsItsOwnNetty41() {
        // IoHandler exists only in Netty 4.2: the project's Netty is Redisson's 4.1, untouched by Cinnabar.
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.IoHandler"));
        assertEquals("4.1", io.netty.util.Version.identify().get("netty-common").artifactVersion().substring(0, 3));
    }

    @Test
    void bucketsCountersAndScripts(CinnabarServer server, URI uri) {
        RBucket<String> bucket = redisson.getBucket("greeting", StringCodec.INSTANCE);
        bucket.set("hello", Duration.ofSeconds(30));
        assertEquals("hello", bucket.get());

        RAtomicLong counter = redisson.getAtomicLong("visits");
        assertEquals(1, counter.incrementAndGet());
        assertEquals(11, counter.addAndGet(10));

        String value = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY,
                "return redis.call('get', KEYS[1])", RScript.ReturnType.VALUE, List.of("greeting"));
        assertEquals("hello", value);
        assertEquals(2, redisson.getKeys().count());

        server.clock().advance(Duration.ofMinutes(1));
        assertNull(bucket.get());
        assertEquals(uri, server.uri());
    }
}
