package io.cinnabar.server.persist;

import io.cinnabar.server.types.HashValue;
import io.cinnabar.server.types.ListValue;
import io.cinnabar.server.types.RawString;
import io.cinnabar.server.types.SetValue;
import io.cinnabar.server.types.StreamConsumer;
import io.cinnabar.server.types.StreamGroup;
import io.cinnabar.server.types.StreamID;
import io.cinnabar.server.types.StreamNack;
import io.cinnabar.server.types.StreamValue;
import io.cinnabar.server.types.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The AOF rewrite without an RDB preamble: a {@link SnapshotConsumer} that writes the commands rebuilding each key,
 * as rewriteAppendOnlyFileRio and its rewrite*Object helpers in Redis 7.0.15's aof.c (BSD-3-Clause, see NOTICE):
 * SET for strings, RPUSH / SADD / ZADD / HMSET with at most {@link #ITEMS_PER_CMD} items per command, XADD, XSETID,
 * XGROUP CREATE, XCLAIM and XGROUP CREATECONSUMER for streams, PEXPIREAT for expiries, SELECT whenever the database
 * changes, and FUNCTION LOAD for each library first ({@link #functions}). Output goes to {@code sink} in chunks of
 * about {@link #CHUNK} bytes, each a fresh array the sink owns. Not thread-safe: fed on the executor.
 */
public final class AofRewriteConsumer implements SnapshotConsumer {
    /** AOF_REWRITE_ITEMS_PER_CMD. */
    public static final int ITEMS_PER_CMD = 64;
    static final int CHUNK = 1 << 20;
    private static final byte[] SET = ascii("SET");
    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] SADD = ascii("SADD");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] HMSET = ascii("HMSET");
    private static final byte[] XADD = ascii("XADD");
    private static final byte[] XSETID = ascii("XSETID");
    private static final byte[] XGROUP = ascii("XGROUP");
    private static final byte[] XCLAIM = ascii("XCLAIM");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    private static final byte[] SELECT = ascii("SELECT");

    /** What the consumer produces: chunks of the file in order, then the end (ok, or why not). */
    public interface Sink {
        void write(byte[] data, int length);

        void finished();

        void aborted(String why);
    }

    private final Sink sink;
    private AofBuffer out = new AofBuffer(CHUNK + 64 * 1024);
    private int db = -1;
    private long keys;

    public AofRewriteConsumer(Sink sink) {
        this.sink = sink;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Keys written so far (for the log). */
    public long keys() {
        return keys;
    }

    /** The {@code #TS:<unix>} annotation a rewritten base starts with when aof-timestamp-enabled. */
    public void timestamp(long unixSeconds) {
        out.ascii("#TS:" + unixSeconds + "\r\n");
    }

    /** rewriteFunctions: FUNCTION LOAD of every library's code, before the keys. */
    public void functions(List<byte[]> codes) {
        for (byte[] code : codes) {
            out.ascii("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n");
            out.bulk(code);
        }
    }

    @Override
    public void key(int dbId, byte[] key, Object value, long expireAt, int lru) {
        if (dbId != db) {
            out.count('*', 2);
            out.bulk(SELECT);
            out.bulk(dbId);
            db = dbId;
        }
        if (value instanceof byte[] s) {
            command(3, SET, key);
            out.bulk(s);
        } else if (value instanceof Long l) {
            command(3, SET, key);
            out.bulk(l);
        } else if (value instanceof RawString r) {
            command(3, SET, key);
            out.bulk(r.buffer(), 0, r.length());
        } else if (value instanceof ListValue list) {
            list(key, list);
        } else if (value instanceof SetValue set) {
            set(key, set);
        } else if (value instanceof ZSetValue zset) {
            zset(key, zset);
        } else if (value instanceof HashValue hash) {
            hash(key, hash);
        } else if (value instanceof StreamValue stream) {
            stream(key, stream);
        } else {
            throw new IllegalStateException("Unknown object type " + value.getClass().getName());
        }
        if (expireAt != -1) {
            command(3, PEXPIREAT, key);
            out.bulk(expireAt);
        }
        keys++;
        if (out.length() >= CHUNK) {
            hand();
        }
    }

    private void command(int argc, byte[] name, byte[] key) {
        out.count('*', argc);
        out.bulk(name);
        out.bulk(key);
    }

    private void hand() {
        int n = out.length();
        sink.write(out.takeArray(CHUNK + 64 * 1024), n);
    }

    /** Counts down a collection's items, opening a new command every {@link #ITEMS_PER_CMD}. */
    private final class Batcher {
        final byte[] name;
        final byte[] key;
        final int perItem;
        long items;
        int count;

        Batcher(byte[] name, byte[] key, long items, int perItem) {
            this.name = name;
            this.key = key;
            this.items = items;
            this.perItem = perItem;
        }

        void next() {
            if (count == 0) {
                long cmdItems = Math.min(items, ITEMS_PER_CMD);
                command((int) (2 + cmdItems * perItem), name, key);
            }
            if (++count == ITEMS_PER_CMD) {
                count = 0;
            }
            items--;
            if (out.length() >= CHUNK) {
                hand();
            }
        }
    }

    private void list(byte[] key, ListValue list) {
        Batcher b = new Batcher(RPUSH, key, list.size(), 1);
        list.range(0, list.size() - 1, element -> {
            b.next();
            out.bulk(element);
            return true;
        });
    }

    private void set(byte[] key, SetValue set) {
        Batcher b = new Batcher(SADD, key, set.size(), 1);
        set.forEach(member -> {
            b.next();
            out.bulk(member);
        });
    }

    private void zset(byte[] key, ZSetValue zset) {
        Batcher b = new Batcher(ZADD, key, zset.size(), 2);
        zset.forEach((member, score) -> {
            b.next();
            out.bulk(score);
            out.bulk(member);
        });
    }

    private void hash(byte[] key, HashValue hash) {
        Batcher b = new Batcher(HMSET, key, hash.size(), 2);
        hash.forEach((field, value) -> {
            b.next();
            out.bulk(field);
            out.bulk(value);
        });
    }

    private void streamId(long ms, long seq) {
        String id = Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
        out.bulk(id.getBytes(StandardCharsets.US_ASCII));
    }

    /** rewriteStreamObject. */
    private void stream(byte[] key, StreamValue s) {
        if (s.length() > 0) {
            StreamValue.Iterator it = new StreamValue.Iterator(s, null, null, false);
            while (it.next()) {
                command(3 + it.numFields * 2, XADD, key);
                streamId(it.ms, it.seq);
                io.cinnabar.server.types.Listpack lp = it.listpack();
                for (int i = 0; i < it.numFields; i++) {
                    it.nextField();
                    out.bulk(lp.bytesAt(it.fieldPos));
                    out.bulk(lp.bytesAt(it.valuePos));
                }
                if (out.length() >= CHUNK) {
                    hand();
                }
            }
        } else {
            // the XADD MAXLEN 0 trick makes an empty stream
            command(7, XADD, key);
            out.bulk(ascii("MAXLEN"));
            out.bulk(ascii("0"));
            streamId(0, 1);
            out.bulk(ascii("x"));
            out.bulk(ascii("y"));
        }
        command(7, XSETID, key);
        StreamID last = s.lastId();
        streamId(last.ms, last.seq);
        out.bulk(ascii("ENTRIESADDED"));
        out.bulk(s.entriesAdded());
        out.bulk(ascii("MAXDELETEDID"));
        StreamID maxDeleted = s.maxDeletedId();
        streamId(maxDeleted.ms, maxDeleted.seq);
        if (s.groups() == null) {
            return;
        }
        for (Map.Entry<byte[], StreamGroup> g : s.groups().entrySet()) {
            byte[] group = g.getKey();
            StreamGroup cg = g.getValue();
            out.count('*', 7);
            out.bulk(XGROUP);
            out.bulk(ascii("CREATE"));
            out.bulk(key);
            out.bulk(group);
            streamId(cg.lastId.ms, cg.lastId.seq);
            out.bulk(ascii("ENTRIESREAD"));
            out.bulk(cg.entriesRead);
            for (StreamConsumer consumer : cg.consumers.values()) {
                if (consumer.pel.isEmpty()) {
                    out.count('*', 5);
                    out.bulk(XGROUP);
                    out.bulk(ascii("CREATECONSUMER"));
                    out.bulk(key);
                    out.bulk(group);
                    out.bulk(consumer.name);
                    continue;
                }
                for (long p = consumer.pel.first(); p >= 0; p = consumer.pel.next(p)) {
                    // the group's PEL holds the delivery time and count
                    StreamNack nack = cg.pel.get(consumer.pel.keyMs(p), consumer.pel.keySeq(p));
                    if (nack == null) {
                        nack = consumer.pel.value(p);
                    }
                    out.count('*', 12);
                    out.bulk(XCLAIM);
                    out.bulk(key);
                    out.bulk(group);
                    out.bulk(consumer.name);
                    out.bulk(ascii("0"));
                    streamId(consumer.pel.keyMs(p), consumer.pel.keySeq(p));
                    out.bulk(ascii("TIME"));
                    out.bulk(nack.deliveryTime);
                    out.bulk(ascii("RETRYCOUNT"));
                    out.bulk(nack.deliveryCount);
                    out.bulk(ascii("JUSTID"));
                    out.bulk(ascii("FORCE"));
                }
            }
        }
    }

    @Override
    public void finished() {
        if (out.length() > 0) {
            hand();
        }
        sink.finished();
    }

    @Override
    public void aborted(String why) {
        sink.aborted(why);
    }
}
