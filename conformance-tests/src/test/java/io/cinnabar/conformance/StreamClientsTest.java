package io.cinnabar.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.junit.CinnabarExtension;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/** The stream APIs of Jedis (RESP2) and Lettuce (RESP3) against the embedded server: a reliable work queue. */
@ExtendWith(CinnabarExtension.class)
class StreamClientsTest {
    @Test
    void jedisRunsAWorkQueueWithAcknowledgementAndReclaim(CinnabarServer server) throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", server.port());
             Jedis blocked = new Jedis("127.0.0.1", server.port())) {
            jedis.xgroupCreate("jobs", "workers", new StreamEntryID(), true);
            for (int i = 0; i < 5; i++) {
                jedis.xadd("jobs", XAddParams.xAddParams().maxLen(1000).approximateTrimming(),
                        Map.of("job", "j" + i));
            }
            assertEquals(5, jedis.xlen("jobs"));
            List<Map.Entry<String, List<StreamEntry>>> read = jedis.xreadGroup("workers", "w1",
                    XReadGroupParams.xReadGroupParams().count(3), Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            assertEquals(1, read.size());
            List<StreamEntry> got = read.get(0).getValue();
            assertEquals(3, got.size());
            assertEquals("j0", got.get(0).getFields().get("job"));
            assertEquals(1, jedis.xack("jobs", "workers", got.get(0).getID()));
            StreamPendingSummary pending = jedis.xpending("jobs", "workers");
            assertEquals(2, pending.getTotal());
            assertEquals(got.get(1).getID(), pending.getMinId());
            // w1 dies; w2 takes over what it held
            Map.Entry<StreamEntryID, List<StreamEntry>> claimed = jedis.xautoclaim("jobs", "workers", "w2", 0,
                    new StreamEntryID(), XAutoClaimParams.xAutoClaimParams().count(10));
            assertEquals(2, claimed.getValue().size());
            assertEquals(new StreamEntryID(), claimed.getKey());
            List<StreamGroupInfo> groups = jedis.xinfoGroups("jobs");
            assertEquals(1, groups.size());
            assertEquals("workers", groups.get(0).getName());
            assertEquals(2L, groups.get(0).getPending());
            StreamInfo info = jedis.xinfoStream("jobs");
            assertEquals(5L, info.getLength());
            assertEquals(5, jedis.xrange("jobs", (StreamEntryID) null, null, 10).size());
            // a blocked XREAD served by an XADD from another connection
            CompletableFuture<List<Map.Entry<String, List<StreamEntry>>>> waiting = CompletableFuture.supplyAsync(
                    () -> blocked.xread(XReadParams.xReadParams().block(10_000).count(1),
                            Map.of("jobs", StreamEntryID.XREAD_NEW_ENTRY)));
            for (int i = 0; i < 500 && !jedis.info("clients").contains("blocked_clients:1"); i++) {
                Thread.sleep(5);
            }
            StreamEntryID added = jedis.xadd("jobs", StreamEntryID.NEW_ENTRY, Map.of("job", "late"));
            List<Map.Entry<String, List<StreamEntry>>> served = waiting.get(10, TimeUnit.SECONDS);
            assertEquals(added, served.get(0).getValue().get(0).getID());
            assertEquals(6, jedis.xtrim("jobs", 100, false) + jedis.xlen("jobs"));
        }
    }

    @Test
    void lettuceReadsStreamsOverResp3(CinnabarServer server) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            assertEquals("OK", redis.xgroupCreate(StreamOffset.from("events", "0-0"), "g",
                    XGroupCreateArgs.Builder.mkstream()));
            String first = redis.xadd("events", Map.of("type", "click", "x", "1"));
            redis.xadd("events", XAddArgs.Builder.maxlen(100).approximateTrimming(), Map.of("type", "view"));
            assertEquals(2L, redis.xlen("events"));
            List<StreamMessage<String, String>> messages = redis.xreadgroup(Consumer.from("g", "c1"),
                    XReadArgs.Builder.count(10), StreamOffset.lastConsumed("events"));
            assertEquals(2, messages.size());
            assertEquals(first, messages.get(0).getId());
            assertEquals("click", messages.get(0).getBody().get("type"));
            assertEquals(1L, redis.xack("events", "g", first));
            PendingMessages pending = redis.xpending("events", "g");
            assertEquals(1, pending.getCount());
            ClaimedMessages<String, String> claimed = redis.xautoclaim("events",
                    XAutoClaimArgs.Builder.xautoclaim(Consumer.from("g", "c2"), Duration.ZERO, "0-0").count(10));
            assertEquals(1, claimed.getMessages().size());
            assertEquals("view", claimed.getMessages().get(0).getBody().get("type"));
            List<StreamMessage<String, String>> all = redis.xrange("events", io.lettuce.core.Range.create("-", "+"));
            assertEquals(2, all.size());
            List<StreamMessage<String, String>> none = redis.xread(XReadArgs.Builder.block(Duration.ofMillis(20)),
                    StreamOffset.latest("events"));
            assertTrue(none == null || none.isEmpty());
            List<Object> info = redis.xinfoStream("events");
            assertEquals("length", info.get(0));
            assertEquals(2L, info.get(1));
            assertNull(redis.xadd("nosuch", XAddArgs.Builder.nomkstream(), Map.of("a", "b")));
        } finally {
            client.shutdown();
        }
    }
}
