package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pub/sub and keyspace notifications with several clients, as Redis 7.0.15 answers (checked on it). */
class PubSubTest {
    private static String push3(String kind, String channel, String message) {
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n$" + channel.length() + "\r\n" + channel + "\r\n$"
                + message.length() + "\r\n" + message + "\r\n";
    }

    @Test
    void publishReachesChannelThenPatternSubscribersAndCountsEachDelivery() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient first = new RespClient(server.port());
             RespClient second = new RespClient(server.port());
             RespClient publisher = new RespClient(server.port())) {
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n", first.call("SUBSCRIBE", "news"));
            second.call("SUBSCRIBE", "news");
            assertEquals("*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n", second.call("PSUBSCRIBE", "n*"));
            assertEquals(":3\r\n", publisher.call("PUBLISH", "news", "hi"));
            assertEquals(push3("message", "news", "hi"), first.readReplyText());
            assertEquals(push3("message", "news", "hi"), second.readReplyText());
            assertEquals("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n", second.readReplyText());
            assertEquals(":0\r\n", publisher.call("PUBLISH", "other", "x"));
            assertTrue(publisher.call("CLIENT", "LIST").contains(" flags=P db=0 sub=1 psub=1 ssub=0 "));
            assertEquals("*4\r\n$4\r\nnews\r\n:2\r\n$4\r\nnone\r\n:0\r\n", publisher.call("PUBSUB", "NUMSUB", "news", "none"));
            assertEquals(":1\r\n", publisher.call("PUBSUB", "NUMPAT"));
            // CLIENT LIST TYPE tells subscribers (pubsub) from the others (normal), as getClientType
            String pubsub = publisher.call("CLIENT", "LIST", "TYPE", "pubsub");
            assertEquals(2, pubsub.split("id=", -1).length - 1, pubsub);
            assertTrue(!pubsub.contains("flags=N"), pubsub);
            String normal = publisher.call("CLIENT", "LIST", "TYPE", "normal");
            assertEquals(1, normal.split("id=", -1).length - 1, normal);
        }
    }

    @Test
    void aDisconnectedSubscriberLeavesNothingBehind() throws Exception {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient publisher = new RespClient(server.port())) {
            try (RespClient subscriber = new RespClient(server.port())) {
                subscriber.call("SUBSCRIBE", "a", "b");
                subscriber.call("PSUBSCRIBE", "p*");
                subscriber.call("SSUBSCRIBE", "s");
            }
            String numsub = "";
            for (int i = 0; i < 200; i++) {
                numsub = publisher.call("PUBSUB", "NUMSUB", "a");
                if (numsub.endsWith(":0\r\n")) {
                    break;
                }
                Thread.sleep(5);
            }
            assertEquals("*2\r\n$1\r\na\r\n:0\r\n", numsub);
            assertEquals(":0\r\n", publisher.call("PUBSUB", "NUMPAT"));
            assertEquals("*0\r\n", publisher.call("PUBSUB", "SHARDCHANNELS"));
            assertEquals(":0\r\n", publisher.call("PUBLISH", "a", "x"));
        }
    }

    @Test
    void resp3SubscribersRunAnyCommandAndGetPushFramesInOrder() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            c.call("HELLO", "3");
            assertEquals(">3\r\n$9\r\nsubscribe\r\n$2\r\nme\r\n:1\r\n", c.call("SUBSCRIBE", "me"));
            // publishing to itself: the message comes before PUBLISH's own reply
            c.send(RespClient.encode("PUBLISH", "me", "hello"));
            assertEquals(">3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$5\r\nhello\r\n", c.readReplyText());
            assertEquals(":1\r\n", c.readReplyText());
            assertEquals("_\r\n", c.call("GET", "k"));
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }

    @Test
    void oneMessageReachesResp2AndResp3SubscribersInTheirOwnShapesAndInOrder() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient two = new RespClient(server.port());
             RespClient three = new RespClient(server.port());
             RespClient another = new RespClient(server.port());
             RespClient publisher = new RespClient(server.port())) {
            three.call("HELLO", "3");
            two.call("SUBSCRIBE", "ch");
            three.call("SUBSCRIBE", "ch");
            another.call("SUBSCRIBE", "ch");
            three.call("PSUBSCRIBE", "c*");
            two.call("PSUBSCRIBE", "c?");
            String large = "x".repeat(40_000); // past the size up to which a frame is shared
            for (String message : List.of("a\r\nb", "", large, "last")) {
                assertEquals(":5\r\n", publisher.call("PUBLISH", "ch", message));
            }
            for (String message : List.of("a\r\nb", "", large, "last")) {
                assertEquals(push3("message", "ch", message), two.readReplyText());
                assertEquals("*4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$" + message.length() + "\r\n"
                        + message + "\r\n", two.readReplyText());
                assertEquals(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$" + message.length() + "\r\n" + message + "\r\n",
                        three.readReplyText());
                assertEquals(">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$" + message.length() + "\r\n"
                        + message + "\r\n", three.readReplyText());
                assertEquals(push3("message", "ch", message), another.readReplyText());
            }
            // shard channels alike
            two.call("UNSUBSCRIBE");
            two.call("PUNSUBSCRIBE");
            two.call("SSUBSCRIBE", "sh");
            three.call("SSUBSCRIBE", "sh");
            assertEquals(":2\r\n", publisher.call("SPUBLISH", "sh", "hi"));
            assertEquals(push3("smessage", "sh", "hi"), two.readReplyText());
            assertEquals(">3\r\n$8\r\nsmessage\r\n$2\r\nsh\r\n$2\r\nhi\r\n", three.readReplyText());
        }
    }

    @Test
    void aScriptsPublishIsDeliveredWhenTheScriptIsOver() {
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient subscriber = new RespClient(server.port());
             RespClient c = new RespClient(server.port())) {
            subscriber.call("SUBSCRIBE", "ch");
            assertEquals(":1\r\n", c.call("EVAL", "redis.call('publish', 'ch', 'one') "
                    + "return redis.call('publish', 'ch', 'two')", "0"));
            assertEquals(push3("message", "ch", "one"), subscriber.readReplyText());
            assertEquals(push3("message", "ch", "two"), subscriber.readReplyText());
        }
    }

    @Test
    void anInProcessSubscriberHearsPublishesAndExpiryDrivenByTheVirtualClock() {
        try (CinnabarServer server = CinnabarServer.builder().config("notify-keyspace-events", "Ex").build().start();
             RespClient c = new RespClient(server.port())) {
            List<String> heard = new CopyOnWriteArrayList<>();
            try (Subscription events = server.psubscribe(
                    (channel, message) -> heard.add(channel + "=" + new String(message, StandardCharsets.UTF_8)),
                    "__keyevent@*__:expired", "app:*")) {
                c.call("SET", "session", "s", "EX", "60");
                assertEquals(":1\r\n", c.call("PUBLISH", "app:news", "hi"));
                server.clock().advance(Duration.ofSeconds(61));
                assertEquals(List.of("app:news=hi", "__keyevent@0__:expired=session"), heard);
                assertEquals(":2\r\n", c.call("PUBSUB", "NUMPAT"));
            }
            assertEquals(":0\r\n", c.call("PUBLISH", "app:news", "again"));
            assertEquals(":0\r\n", c.call("PUBSUB", "NUMPAT"));
        }
    }

    @Test
    void aListenerWhoseCallbackPublishesLeavesTheOtherSubscribersCopyIntact() {
        try (CinnabarServer server = CinnabarServer.builder().config("notify-keyspace-events", "Ex").build().start();
             RespClient first = new RespClient(server.port());
             RespClient last = new RespClient(server.port());
             RespClient c = new RespClient(server.port())) {
            first.call("SUBSCRIBE", "news", "__keyevent@0__:expired");
            first.readReplyText(); // the second channel's confirmation
            c.call("SET", "session", "s", "EX", "60");
            // the listener sits between the two clients: its callback publishes (an expiry) mid-delivery
            try (Subscription s = server.subscribe((channel, message) -> server.clock().advance(Duration.ofSeconds(61)),
                    "news")) {
                last.call("SUBSCRIBE", "news", "__keyevent@0__:expired");
                last.readReplyText();
                assertEquals(":3\r\n", c.call("PUBLISH", "news", "hi"));
                assertEquals(push3("message", "news", "hi"), first.readReplyText());
                assertEquals(push3("message", "__keyevent@0__:expired", "session"), first.readReplyText());
                assertEquals(push3("message", "__keyevent@0__:expired", "session"), last.readReplyText());
                assertEquals(push3("message", "news", "hi"), last.readReplyText());
            }
        }
    }
}
