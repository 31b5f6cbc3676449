package io.cinnabar.server.types;

/** A consumer of a group (Redis's streamConsumer): its name, last-seen time and own PEL. Not thread-safe. */
public final class StreamConsumer {
    public final byte[] name;
    public long seenTime;
    /** The entries delivered to this consumer and not acknowledged, by ID; values shared with the group PEL. */
    public final PelMap pel = new PelMap(true);

    public StreamConsumer(byte[] name, long now) {
        this.name = name;
        this.seenTime = now;
    }
}
