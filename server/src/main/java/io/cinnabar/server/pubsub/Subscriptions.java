package io.cinnabar.server.pubsub;

import java.util.LinkedHashSet;

/**
 * One client's subscriptions, as Redis 7.0 keeps them on the client (pubsub_channels, pubsub_patterns,
 * pubsub_shard_channels), in subscription order. Not thread-safe: executor thread only.
 */
public final class Subscriptions {
    final LinkedHashSet<Channel> channels = new LinkedHashSet<>();
    final LinkedHashSet<Channel> patterns = new LinkedHashSet<>();
    final LinkedHashSet<Channel> shardChannels = new LinkedHashSet<>();
    /** Where an in-process subscriber's messages go (the embedding API); null for network clients. */
    final Sink sink;

    /** Receives the messages of an in-process subscriber, on the executor thread. */
    public interface Sink {
        void message(byte[] channel, byte[] message);
    }

    public Subscriptions() {
        this(null);
    }

    public Subscriptions(Sink sink) {
        this.sink = sink;
    }

    /** SUBSCRIBE and PSUBSCRIBE replies count channels and patterns together (clientSubscriptionsCount). */
    int count() {
        return channels.size() + patterns.size();
    }

    /** CLIENT_PUBSUB: subscribed to anything, shard channels included. */
    public boolean any() {
        return !channels.isEmpty() || !patterns.isEmpty() || !shardChannels.isEmpty();
    }

    public int channelCount() {
        return channels.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }
}
