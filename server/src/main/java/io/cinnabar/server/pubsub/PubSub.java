package io.cinnabar.server.pubsub;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Publish/subscribe, as Redis 7.0's pubsub.c: who listens to which channel, pattern and shard channel, in
 * subscription order, and delivery of messages into the subscribers' reply buffers as push frames (arrays in
 * RESP2). Messages published by a script (PUBLISH or a keyspace notification from a script) are counted at once
 * and delivered when the script is over, ahead of its reply. Not thread-safe: executor thread only.
 */
public final class PubSub {
    /** The three kinds of subscription, each with its own registry and message names. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe", "message"),
        PATTERN("psubscribe", "punsubscribe", "pmessage"),
        SHARD("ssubscribe", "sunsubscribe", "smessage");

        final byte[] subscribe;
        final byte[] unsubscribe;
        final byte[] message;

        Kind(String subscribe, String unsubscribe, String message) {
            this.subscribe = Ascii.bytes(subscribe);
            this.unsubscribe = Ascii.bytes(unsubscribe);
            this.message = Ascii.bytes(message);
        }
    }

    private final Engine engine;
    private final Map<Channel, ArrayList<Client>> channels = new HashMap<>();
    private final Map<Channel, ArrayList<Client>> patterns = new LinkedHashMap<>();
    private final Map<Channel, ArrayList<Client>> shardChannels = new HashMap<>();

    public PubSub(Engine engine) {
        this.engine = engine;
    }

    private Map<Channel, ArrayList<Client>> registry(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    private static LinkedHashSet<Channel> of(Subscriptions s, Kind kind) {
        return switch (kind) {
            case CHANNEL -> s.channels;
            case PATTERN -> s.patterns;
            case SHARD -> s.shardChannels;
        };
    }

    private static Subscriptions subscriptions(Client c) {
        if (c.subscriptions == null) {
            c.subscriptions = new Subscriptions();
        }
        return c.subscriptions;
    }

    /** pubsubSubscribeChannel / pubsubSubscribePattern / pubsubSubscribeShardChannel: subscribes and confirms. */
    public void subscribe(Client c, Kind kind, byte[] name) {
        Subscriptions s = subscriptions(c);
        Channel channel = new Channel(name);
        if (of(s, kind).add(channel)) {
            registry(kind).computeIfAbsent(channel, k -> new ArrayList<>(2)).add(c);
        }
        confirm(c, kind.subscribe, name, kind == Kind.SHARD ? s.shardChannels.size() : s.count());
    }

    /** Subscribes without a confirmation (an in-process subscriber of the embedding API). */
    public void subscribeQuietly(Client c, Kind kind, byte[] name) {
        Channel channel = new Channel(name);
        if (of(subscriptions(c), kind).add(channel)) {
            registry(kind).computeIfAbsent(channel, k -> new ArrayList<>(2)).add(c);
        }
    }

    /** Unsubscribes from one channel or pattern, confirming it (also when the client was not subscribed). */
    public void unsubscribe(Client c, Kind kind, byte[] name, boolean notify) {
        Subscriptions s = subscriptions(c);
        Channel channel = new Channel(name);
        if (of(s, kind).remove(channel)) {
            forget(kind, channel, c);
        }
        if (notify) {
            confirm(c, kind.unsubscribe, name, kind == Kind.SHARD ? s.shardChannels.size() : s.count());
        }
    }

    /** Unsubscribes from everything of one kind; with nothing to leave, one confirmation with a null name. */
    public int unsubscribeAll(Client c, Kind kind, boolean notify) {
        Subscriptions s = c.subscriptions;
        LinkedHashSet<Channel> mine = s == null ? null : of(s, kind);
        int count = 0;
        if (mine != null && !mine.isEmpty()) {
            for (Channel channel : mine.toArray(new Channel[0])) {
                unsubscribe(c, kind, channel.name, notify);
                count++;
            }
        } else if (notify) {
            confirm(c, kind.unsubscribe, null, 0);
        }
        return count;
    }

    /** A disconnecting or RESET client leaves every channel, silently. */
    public void clientClosed(Client c) {
        if (c.subscriptions == null) {
            return;
        }
        for (Kind kind : Kind.values()) {
            unsubscribeAll(c, kind, false);
        }
        if (c.subscriptions.sink == null) {
            c.subscriptions = null;
        }
    }

    private void forget(Kind kind, Channel channel, Client c) {
        Map<Channel, ArrayList<Client>> registry = registry(kind);
        ArrayList<Client> clients = registry.get(channel);
        if (clients != null) {
            clients.remove(c);
            if (clients.isEmpty()) {
                registry.remove(channel);
            }
        }
    }

    private static void confirm(Client c, byte[] kind, byte[] name, int count) {
        ReplyWriter r = c.reply;
        r.push(3);
        r.bulk(kind);
        if (name == null) {
            r.nullBulk();
        } else {
            r.bulk(name);
        }
        r.integer(count);
    }

    /**
     * PUBLISH: delivers to the channel's subscribers, then to the clients of every matching pattern, and returns
     * how many deliveries that made (a client matching twice counts twice, as in Redis).
     */
    public long publish(byte[] channel, byte[] message) {
        long receivers = 0;
        ArrayList<Client> subscribers = channels.isEmpty() ? null : channels.get(new Channel(channel));
        if (subscribers != null) {
            deliverAll(subscribers, Kind.CHANNEL.message, null, channel, message);
            receivers += subscribers.size();
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<Channel, ArrayList<Client>> e : patterns.entrySet()) {
                byte[] pattern = e.getKey().name;
                if (Glob.matches(pattern, channel, false)) {
                    deliverAll(e.getValue(), Kind.PATTERN.message, pattern, channel, message);
                    receivers += e.getValue().size();
                }
            }
        }
        return receivers;
    }

    /** SPUBLISH: delivers to the shard channel's subscribers. */
    public long spublish(byte[] channel, byte[] message) {
        ArrayList<Client> subscribers = shardChannels.isEmpty() ? null : shardChannels.get(new Channel(channel));
        if (subscribers == null) {
            return 0;
        }
        deliverAll(subscribers, Kind.SHARD.message, null, channel, message);
        return subscribers.size();
    }

    /** True when a message on {@code channel} would reach anybody (keyspace notifications skip building it). */
    public boolean hasSubscribers() {
        return !channels.isEmpty() || !patterns.isEmpty();
    }

    /**
     * Messages whose channel and payload together stay under this size are encoded once per PUBLISH and protocol,
     * into a heap buffer kept for it, and each subscriber's reply buffer gets a copy of the frame in one piece.
     * Redis (addReplyPubsubMessage) encodes every subscriber's copy anew, four replies of two or three pieces each,
     * as this did: with 100 subscribers those pieces cost more than everything else a PUBLISH does, and even with
     * one, each piece copied into a direct reply buffer is a call of its own (a profile of PUBLISH to one subscriber
     * found 8% of the executor's time in those copies). Larger messages still go piece by piece, so that the payload
     * can take the large-value path to the socket instead of a copy in every buffer.
     */
    static final int SHARED_FRAME_LIMIT = ReplyWriter.LARGE_VALUE;

    /** The message frame of the PUBLISH being delivered, per protocol: reused, never shared outside this class. */
    private final ByteBuf resp2Frame = Unpooled.buffer(256);
    private final ByteBuf resp3Frame = Unpooled.buffer(256);
    private final ReplyWriter resp2Writer = new ReplyWriter(resp2Frame);
    private final ReplyWriter resp3Writer = new ReplyWriter(resp3Frame);
    /** Deliveries in progress: an in-process listener publishing from its callback must not reuse the frames. */
    private int delivering;

    {
        resp3Writer.protocol(3);
    }

    /** Delivers one message to {@code clients}, in their subscription order. */
    private void deliverAll(ArrayList<Client> clients, byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
        if (delivering > 0 || !engine.outsideScript() || channel.length + message.length >= SHARED_FRAME_LIMIT) {
            for (Client c : clients) {
                deliver(c, kind, pattern, channel, message);
            }
            return;
        }
        delivering++;
        try {
            boolean resp2 = false;
            boolean resp3 = false;
            for (Client c : clients) {
                if (!takesIntoBuffer(c, channel, message)) {
                    continue;
                }
                ByteBuf frame;
                if (c.reply.protocol() >= 3) {
                    frame = resp3Frame;
                    if (!resp3) {
                        encode(frame, resp3Writer, kind, pattern, channel, message);
                        resp3 = true;
                    }
                } else {
                    frame = resp2Frame;
                    if (!resp2) {
                        encode(frame, resp2Writer, kind, pattern, channel, message);
                        resp2 = true;
                    }
                }
                c.reply.raw(frame.array(), frame.writerIndex());
                flushSoon(c);
            }
        } finally {
            delivering--;
        }
    }

    /** Encodes the message into {@code frame} (which {@code r} writes to) as {@link #deliver} would write it. */
    private static void encode(ByteBuf frame, ReplyWriter r, byte[] kind, byte[] pattern, byte[] channel,
            byte[] message) {
        frame.clear();
        writeMessage(r, kind, pattern, channel, message);
    }

    private static void writeMessage(ReplyWriter r, byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
        r.push(pattern == null ? 3 : 4);
        r.bulk(kind);
        if (pattern != null) {
            r.bulk(pattern);
        }
        r.bulk(channel);
        r.bulk(message);
    }

    private void deliver(Client c, byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
        if (!engine.outsideScript()) {
            engine.defer(() -> deliver(c, kind, pattern, channel, message));
            return;
        }
        if (takesIntoBuffer(c, channel, message)) {
            writeMessage(c.reply, kind, pattern, channel, message);
            flushSoon(c);
        }
    }

    /**
     * Whether the message goes into {@code c}'s reply buffer: an in-process subscriber gets it here instead, and a
     * client being closed gets nothing.
     */
    private static boolean takesIntoBuffer(Client c, byte[] channel, byte[] message) {
        Subscriptions s = c.subscriptions;
        if (s != null && s.sink != null) {
            s.sink.message(channel, message);
            return false;
        }
        return !c.closing && !c.closeAsap && c.reply.buffer().refCnt() > 0;
    }

    private static void flushSoon(Client c) {
        if (c.connection() != null) {
            c.connection().flushSoon();
        }
    }

    // ---- PUBSUB introspection ----

    /** PUBSUB CHANNELS / SHARDCHANNELS: active channels matching {@code pattern} (all when null). */
    public List<byte[]> channels(Kind kind, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (Channel channel : registry(kind).keySet()) {
            if (pattern == null || Glob.matches(pattern, channel.name, false)) {
                out.add(channel.name);
            }
        }
        return out;
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel, patterns aside. */
    public int subscribers(Kind kind, byte[] channel) {
        ArrayList<Client> clients = registry(kind).get(new Channel(channel));
        return clients == null ? 0 : clients.size();
    }

    /** PUBSUB NUMPAT: pattern subscriptions, one per distinct pattern (dictSize(server.pubsub_patterns)). */
    public int patternCount() {
        return patterns.size();
    }
}
