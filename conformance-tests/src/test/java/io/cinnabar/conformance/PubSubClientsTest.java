package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Pub/sub listeners of Jedis (RESP2) and Lettuce (RESP3), and keyspace notifications through them. */
class PubSubClientsTest {
    @RegisterExtension
    static final CinnabarExtension REDIS = CinnabarExtension.perClass();

    @Test
    void jedisListenerGetsMessagesAndPatternMessages(CinnabarServer server) throws Exception {
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                heard.add(channel + ":" + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                heard.add(pattern + "|" + channel + ":" + message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                subscribed.countDown();
            }
        };
        Thread t = new Thread(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                jedis.subscribe(listener, "orders");
            }
        });
        t.start();
        try (Jedis publisher = new Jedis("127.0.0.1", server.port())) {
            for (int i = 0; i < 200 && !listener.isSubscribed(); i++) {
                Thread.sleep(5);
            }
            listener.psubscribe("ord*");
            assertTrue(subscribed.await(5, TimeUnit.SECONDS));
            assertEquals(2, publisher.publish("orders", "42"));
            assertEquals("orders:42", heard.poll(5, TimeUnit.SECONDS));
            assertEquals("ord*|orders:42", heard.poll(5, TimeUnit.SECONDS));
            assertEquals(List.of(1L), List.of(publisher.pubsubNumSub("orders").get("orders")));
            listener.unsubscribe();
            listener.punsubscribe();
            t.join(5000);
            assertEquals(0, publisher.publish("orders", "43"));
        }
    }

    @Test
    void lettuceListenerGetsKeyspaceNotifications(URI uri) throws Exception {
        RedisClient client = RedisClient.create(uri.toString());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             var conn = client.connect()) {
            conn.sync().configSet("notify-keyspace-events", "KEA");
            BlockingQueue<String> heard = new LinkedBlockingQueue<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String pattern, String channel, String message) {
                    heard.add(channel + "=" + message);
                }
            });
            sub.sync().psubscribe("__keyevent@0__:*");
            conn.sync().set("user:1", "ann");
            conn.sync().hset("h", "f", "v");
            conn.sync().del("user:1");
            assertEquals("__keyevent@0__:set=user:1", heard.poll(5, TimeUnit.SECONDS));
            assertEquals("__keyevent@0__:hset=h", heard.poll(5, TimeUnit.SECONDS));
            assertEquals("__keyevent@0__:del=user:1", heard.poll(5, TimeUnit.SECONDS));
            // RESP3 subscribers may run other commands on the same connection
            assertEquals("PONG", sub.sync().ping());
            conn.sync().configSet("notify-keyspace-events", "");
        } finally {
            client.shutdown();
        }
    }
}
