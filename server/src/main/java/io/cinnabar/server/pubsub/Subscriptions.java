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
