package io.cinnabar.server.persist;

import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.db.KeyspaceSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The RDB file frame Redis 7.0 writes (rdbSaveRio), fed by a point-in-time snapshot: {@code REDIS0010}, the AUX
 * fields (redis-ver, redis-bits, ctime, used-mem, aof-base), a FUNCTION2 record per function library, then for each
 * database SELECTDB and RESIZEDB before its first key, each key as rdbSaveKeyValuePair writes it (EXPIRETIME_MS,
 * IDLE under an LRU maxmemory-policy, type, key, value), and EOF. The checksum after EOF is the file writer's
 * (it sees every byte). Values go through {@link RdbValues}. Serialized bytes are handed to {@code out} in chunks.
 *
 * <p>Keys of one database may come in several runs (a key about to change is given early), so SELECTDB is written
 * whenever the database differs from the previous key's, and RESIZEDB only the first time. A big collection may be
 * written across slices ({@link #keyInParts}); keys given meanwhile wait in a side buffer, already serialized,
 * and follow it. Not thread-safe.
 *
 * <p>The frame follows Redis 7.0's rdb.c (rdbSaveRio, rdbSaveInfoAuxFields, rdbSaveKeyValuePair), Copyright (c)
 * 2009-2012 Salvatore Sanfilippo, BSD-3-Clause; see NOTICE.
 */
public final class RdbSnapshotWriter implements SnapshotConsumer {
    /** Where filled chunks go: {@code len} bytes of {@code data}, which the callee owns from then on. */
    public interface ChunkSink {
        void chunk(byte[] data, int len);

        /**
         * An array the sink is done with, to fill with the next chunk instead of allocating one, or null: a save
         * streams tens of megabytes through a few arrays instead of leaving them all to the garbage collector,
         * whose pauses would otherwise reach the clients' latency.
         */
        default byte[] spare() {
            return null;
        }
    }

    public static final String REDIS_VERSION = "7.0.15";
    static final int CHUNK = 128 * 1024;
    /** Chunk arrays are this big, so that one fits what a flush holds (a chunk plus the key that filled it). */
    static final int SPARE_SIZE = 2 * CHUNK;

    private final RdbOutput out;
    private final ChunkSink sink;
    private final Keyspace keyspace;
    private final boolean idle;
    private final boolean aofBase;
    private final long usedMemory;
    private final long ctimeSeconds;
    private final List<byte[]> libraries;
    private KeyspaceSnapshot snapshot;
    private int currentDb = -1;
    private boolean[] resized;
    /** The rest of the value being written in parts ({@link #keyInParts}), or null. */
    private RdbValues.Part part;
    /**
     * Keys given while a value is in parts (keys about to change), serialized at once but written after it: the
     * file is a sequence, and the key in parts is half written. {@code sideDb} is the database the side bytes
     * leave the reader in, starting with the key in parts'.
     */
    private RdbOutput side;
    private int sideDb;
    private final boolean compress;

    /**
     * @param idle write IDLE (maxmemory-policy is an LRU one)
     * @param aofBase the aof-base AUX value: true in an AOF base file (the RDB preamble)
     * @param libraries each function library's code, for the FUNCTION2 records
     */
    public RdbSnapshotWriter(ChunkSink sink, boolean compress, Keyspace keyspace, boolean idle, boolean aofBase,
                             long usedMemory, long ctimeSeconds, List<byte[]> libraries) {
        this.out = new RdbOutput(CHUNK + 1024, compress);
        this.compress = compress;
        this.sink = sink;
        this.keyspace = keyspace;
        this.idle = idle;
        this.aofBase = aofBase;
        this.usedMemory = usedMemory;
        this.ctimeSeconds = ctimeSeconds;
        this.libraries = libraries;
    }

    /** The header: signature, AUX fields and function libraries, as of the snapshot's start. */
    @Override
    public void begin(KeyspaceSnapshot snapshot) {
        this.snapshot = snapshot;
        this.resized = new boolean[keyspace.count()];
        writeHeader(out, aofBase, usedMemory, ctimeSeconds, libraries);
        flushIfFull();
    }

    /** rdbSaveRio's start: {@code REDIS0010}, rdbSaveInfoAuxFields (no replication fields), rdbSaveFunctions. */
    public static void writeHeader(RdbOutput out, boolean aofBase, long usedMemory, long ctimeSeconds,
                                   List<byte[]> libraries) {
        out.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        aux(out, "redis-ver", REDIS_VERSION);
        aux(out, "redis-bits", "64");
        aux(out, "ctime", Long.toString(ctimeSeconds));
        aux(out, "used-mem", Long.toString(usedMemory));
        aux(out, "aof-base", aofBase ? "1" : "0");
        for (byte[] code : libraries) {
            out.write(RdbType.OPCODE_FUNCTION2);
            out.writeString(code);
        }
    }

    private static void aux(RdbOutput out, String key, String value) {
        out.write(RdbType.OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.US_ASCII));
        out.writeString(value.getBytes(StandardCharsets.US_ASCII)); // integer-looking values become int encodings
    }

    @Override
    public void key(int db, byte[] key, Object value, long expireAt, int lru) {
        if (part != null) {
            if (side == null) {
                side = new RdbOutput(64 * 1024, compress);
            }
            if (db != sideDb) {
                select(side, db);
                sideDb = db;
            }
            writeKey(side, key, value, expireAt, idle ? idleSeconds(lru) : -1);
            return;
        }
        if (db != currentDb) {
            select(out, db);
            currentDb = db;
        }
        writeKey(out, key, value, expireAt, idle ? idleSeconds(lru) : -1);
        flushIfFull();
    }

    /**
     * As {@link #key}, but a big collection's elements are written across calls: what fits before {@code
     * deadlineNanos} now, the rest by {@link #resume}. The element count goes first and the snapshot does not let
     * the value change before its last element is written, so the two agree.
     */
    @Override
    public boolean keyInParts(int db, byte[] key, Object value, long expireAt, int lru, long deadlineNanos) {
        if (part != null) {
            key(db, key, value, expireAt, lru); // one value in parts at a time
            return true;
        }
        if (db != currentDb) {
            select(out, db);
            currentDb = db;
        }
        writeKeyHeader(out, key, value, expireAt, idle ? idleSeconds(lru) : -1);
        part = RdbValues.begin(out, value);
        if (part == null) {
            flushIfFull();
            return true;
        }
        sideDb = db;
        return resume(deadlineNanos);
    }

    @Override
    public boolean resume(long deadlineNanos) {
        if (part == null) {
            return true;
        }
        while (!part.write(out, deadlineNanos, CHUNK)) {
            flushIfFull();
            if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
        }
        part = null;
        if (side != null && side.size() > 0) {
            out.write(side.array(), 0, side.size());
            side.reset();
            currentDb = sideDb;
        }
        flushIfFull();
        return true;
    }

    /** SELECTDB, and RESIZEDB with the database's sizes at the snapshot's start before its first key. */
    private void select(RdbOutput o, int db) {
        o.write(RdbType.OPCODE_SELECTDB);
        o.writeLength(db);
        if (!resized[db]) {
            resized[db] = true;
            o.write(RdbType.OPCODE_RESIZEDB);
            o.writeLength(snapshot == null ? 0 : snapshot.size(db));
            o.writeLength(snapshot == null ? 0 : snapshot.volatileSize(db));
        }
    }

    /** rdbSaveKeyValuePair: [EXPIRETIME_MS ms] [IDLE seconds] type key value. */
    public static void writeKey(RdbOutput out, byte[] key, Object value, long expireAt, long idleSeconds) {
        writeKeyHeader(out, key, value, expireAt, idleSeconds);
        RdbValues.write(out, value);
    }

    /** Everything of {@link #writeKey} before the value. */
    private static void writeKeyHeader(RdbOutput out, byte[] key, Object value, long expireAt, long idleSeconds) {
        int type = RdbValues.typeOf(value);
        if (expireAt != -1) {
            out.write(RdbType.OPCODE_EXPIRETIME_MS);
            out.writeMillis(expireAt);
        }
        if (idleSeconds >= 0) {
            out.write(RdbType.OPCODE_IDLE);
            out.writeLength(idleSeconds);
        }
        out.write(type);
        out.writeString(key);
    }

    /** estimateObjectIdleTime in seconds, from the wrapping 24-bit LRU clock. */
    private long idleSeconds(int lru) {
        int clock = keyspace.lruClock();
        lru &= Keyspace.LRU_CLOCK_MAX;
        return clock >= lru ? clock - lru : clock + (Keyspace.LRU_CLOCK_MAX - lru);
    }

    /** EOF; the file writer appends the checksum. */
    @Override
    public void finished() {
        resume(Long.MAX_VALUE); // the snapshot finishes every value before it ends; this only guards the frame
        out.write(RdbType.OPCODE_EOF);
        flush();
    }

    private void flushIfFull() {
        if (out.size() >= CHUNK) {
            flush();
        }
    }

    private void flush() {
        if (out.size() > 0) {
            int n = out.size();
            byte[] chunk = sink.spare();
            if (chunk == null || chunk.length < n) {
                chunk = new byte[Math.max(n, SPARE_SIZE)];
            }
            System.arraycopy(out.array(), 0, chunk, 0, n);
            sink.chunk(chunk, n);
            out.reset();
        }
    }
}
