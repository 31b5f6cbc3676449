package io.cinnabar.server.types;

/**
 * A pending (delivered, not yet acknowledged) entry of a consumer group: Redis's streamNACK. The same object sits
 * in the group's PEL and in its consumer's. Not thread-safe: executor thread only.
 */
public final class StreamNack {
    /** Unix ms of the last delivery. */
    public long deliveryTime;
    public long deliveryCount;
    /** The consumer it was last delivered to; null only for a moment while XCLAIM FORCE creates it. */
    public StreamConsumer consumer;
    /** The leaf of the consumer's PEL that holds it, so XACK finds it there without a search (see PelMap). */
    PelMap.Leaf leaf;
    /** Its slot in {@link #leaf} when it was put there: right unless IDs were since inserted before it. */
    int slot;

    public StreamNack(StreamConsumer consumer, long now) {
        this.consumer = consumer;
        this.deliveryTime = now;
        this.deliveryCount = 1;
    }
}
