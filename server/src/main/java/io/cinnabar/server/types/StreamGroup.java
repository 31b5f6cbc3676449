package io.cinnabar.server.types;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A consumer group (Redis's streamCG): the last delivered ID, the logical read counter, the pending entries list
 * and the consumers by name, in Redis's orders (IDs numerically, names as unsigned bytes, as its radix trees
 * iterate). Ported from Redis 7.0's t_stream.c (BSD-3-Clause, Copyright (c) 2017 Salvatore Sanfilippo; see
 * NOTICE). Not thread-safe: executor thread only.
 */
public final class StreamGroup {
    /** SCG_INVALID_ENTRIES_READ: the read counter is unknown (XINFO shows nil). */
    public static final long INVALID_ENTRIES_READ = -1;

    public StreamID lastId;
    public long entriesRead;
    public final PelMap pel = new PelMap();
    public final TreeMap<byte[], StreamConsumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    public StreamGroup(StreamID lastId, long entriesRead) {
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    /** streamLookupConsumer: the consumer, its seen time refreshed unless {@code refresh} is false; or null. */
    public StreamConsumer lookupConsumer(byte[] name, boolean refresh, long now) {
        StreamConsumer c = consumers.get(name);
        if (c != null && refresh) {
            c.seenTime = now;
        }
        return c;
    }

    /** streamCreateConsumer: a new consumer, or null if the name exists. */
    public StreamConsumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        StreamConsumer c = new StreamConsumer(name.clone(), now);
        consumers.put(c.name, c);
        return c;
    }

    /** streamDelConsumer: the consumer and its pending entries leave the group. */
    public void deleteConsumer(StreamConsumer consumer) {
        for (long p = consumer.pel.first(); p >= 0; p = consumer.pel.next(p)) {
            pel.remove(consumer.pel.keyMs(p), consumer.pel.keySeq(p));
        }
        consumers.remove(consumer.name);
    }

    /** A deep copy for COPY (streamDup): PEL entries shared between group and consumers stay shared. */
    StreamGroup copy() {
        StreamGroup g = new StreamGroup(lastId, entriesRead);
        for (long p = pel.first(); p >= 0; p = pel.next(p)) {
            StreamNack n = new StreamNack(null, pel.value(p).deliveryTime);
            n.deliveryCount = pel.value(p).deliveryCount;
            g.pel.put(pel.keyMs(p), pel.keySeq(p), n);
        }
        for (StreamConsumer c : consumers.values()) {
            StreamConsumer copy = new StreamConsumer(c.name, c.seenTime);
            g.consumers.put(copy.name, copy);
            for (long p = c.pel.first(); p >= 0; p = c.pel.next(p)) {
                StreamNack n = g.pel.get(c.pel.keyMs(p), c.pel.keySeq(p));
                n.consumer = copy;
                copy.pel.put(c.pel.keyMs(p), c.pel.keySeq(p), n);
            }
        }
        return g;
    }
}
