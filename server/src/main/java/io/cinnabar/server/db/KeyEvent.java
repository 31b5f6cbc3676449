package io.cinnabar.server.db;

import java.nio.charset.StandardCharsets;

/**
 * A keyspace event as Redis names it ({@code notifyKeyspaceEvent}'s event string) with its notification class
 * (the letters of {@code notify-keyspace-events}). Instances are constants, so reporting a change allocates
 * nothing; the name is kept as bytes for the {@code __keyevent@<db>__:<event>} channels to come.
 */
public final class KeyEvent {
    /** Notification classes, as Redis's NOTIFY_* flags. */
    public static final int GENERIC = 1 << 2;   // g
    public static final int STRING = 1 << 3;    // $
    public static final int LIST = 1 << 4;      // l
    public static final int SET = 1 << 5;       // s
    public static final int HASH = 1 << 6;      // h
    public static final int ZSET = 1 << 7;      // z
    public static final int EXPIRED = 1 << 8;   // x
    public static final int EVICTED = 1 << 9;   // e
    public static final int STREAM = 1 << 10;   // t
    public static final int KEY_MISS = 1 << 11; // m
    public static final int MODULE = 1 << 12;   // d
    public static final int NEW = 1 << 13;      // n

    // generic
    public static final KeyEvent NEW_KEY = new KeyEvent("new", NEW);
    public static final KeyEvent DEL = new KeyEvent("del", GENERIC);
    public static final KeyEvent EXPIRE = new KeyEvent("expire", GENERIC);
    public static final KeyEvent PERSIST = new KeyEvent("persist", GENERIC);
    public static final KeyEvent RENAME_FROM = new KeyEvent("rename_from", GENERIC);
    public static final KeyEvent RENAME_TO = new KeyEvent("rename_to", GENERIC);
    public static final KeyEvent MOVE_FROM = new KeyEvent("move_from", GENERIC);
    public static final KeyEvent MOVE_TO = new KeyEvent("move_to", GENERIC);
    public static final KeyEvent COPY_TO = new KeyEvent("copy_to", GENERIC);
    public static final KeyEvent RESTORE = new KeyEvent("restore", GENERIC);
    public static final KeyEvent EXPIRED_KEY = new KeyEvent("expired", EXPIRED);
    // strings
    public static final KeyEvent SET_STRING = new KeyEvent("set", STRING);
    public static final KeyEvent APPEND = new KeyEvent("append", STRING);
    public static final KeyEvent INCRBY = new KeyEvent("incrby", STRING);
    public static final KeyEvent INCRBYFLOAT = new KeyEvent("incrbyfloat", STRING);
    public static final KeyEvent SETRANGE = new KeyEvent("setrange", STRING);
    // hashes
    public static final KeyEvent HSET = new KeyEvent("hset", HASH);
    public static final KeyEvent HDEL = new KeyEvent("hdel", HASH);
    public static final KeyEvent HINCRBY = new KeyEvent("hincrby", HASH);
    public static final KeyEvent HINCRBYFLOAT = new KeyEvent("hincrbyfloat", HASH);
    // sets
    public static final KeyEvent SADD = new KeyEvent("sadd", SET);
    public static final KeyEvent SREM = new KeyEvent("srem", SET);
    public static final KeyEvent SPOP = new KeyEvent("spop", SET);
    public static final KeyEvent SINTERSTORE = new KeyEvent("sinterstore", SET);
    public static final KeyEvent SUNIONSTORE = new KeyEvent("sunionstore", SET);
    public static final KeyEvent SDIFFSTORE = new KeyEvent("sdiffstore", SET);

    // lists
    public static final KeyEvent LPUSH = new KeyEvent("lpush", LIST);
    public static final KeyEvent RPUSH = new KeyEvent("rpush", LIST);
    public static final KeyEvent LPOP = new KeyEvent("lpop", LIST);
    public static final KeyEvent RPOP = new KeyEvent("rpop", LIST);
    public static final KeyEvent LSET = new KeyEvent("lset", LIST);
    public static final KeyEvent LINSERT = new KeyEvent("linsert", LIST);
    public static final KeyEvent LREM = new KeyEvent("lrem", LIST);
    public static final KeyEvent LTRIM = new KeyEvent("ltrim", LIST);
    /** SORT ... STORE (a list class event, whatever the sorted type). */
    public static final KeyEvent SORTSTORE = new KeyEvent("sortstore", LIST);

    // sorted sets
    public static final KeyEvent ZADD = new KeyEvent("zadd", ZSET);
    public static final KeyEvent ZINCR = new KeyEvent("zincr", ZSET);
    public static final KeyEvent ZREM = new KeyEvent("zrem", ZSET);
    public static final KeyEvent ZREMRANGEBYSCORE = new KeyEvent("zremrangebyscore", ZSET);
    public static final KeyEvent ZREMRANGEBYRANK = new KeyEvent("zremrangebyrank", ZSET);
    public static final KeyEvent ZREMRANGEBYLEX = new KeyEvent("zremrangebylex", ZSET);
    public static final KeyEvent ZPOPMIN = new KeyEvent("zpopmin", ZSET);
    public static final KeyEvent ZPOPMAX = new KeyEvent("zpopmax", ZSET);
    public static final KeyEvent ZUNIONSTORE = new KeyEvent("zunionstore", ZSET);
    public static final KeyEvent ZINTERSTORE = new KeyEvent("zinterstore", ZSET);
    public static final KeyEvent ZDIFFSTORE = new KeyEvent("zdiffstore", ZSET);
    public static final KeyEvent ZRANGESTORE = new KeyEvent("zrangestore", ZSET);

    // streams (t_stream.c): XADD, XTRIM and XDEL also signal the key as modified; the consumer-group and XSETID
    // events are notifications only (Redis calls no signalModifiedKey for them, so WATCH does not see them)
    public static final KeyEvent XADD = new KeyEvent("xadd", STREAM);
    public static final KeyEvent XTRIM = new KeyEvent("xtrim", STREAM);
    public static final KeyEvent XDEL = new KeyEvent("xdel", STREAM);
    public static final KeyEvent XSETID = new KeyEvent("xsetid", STREAM, false);
    public static final KeyEvent XGROUP_CREATE = new KeyEvent("xgroup-create", STREAM, false);
    public static final KeyEvent XGROUP_SETID = new KeyEvent("xgroup-setid", STREAM, false);
    public static final KeyEvent XGROUP_DESTROY = new KeyEvent("xgroup-destroy", STREAM, false);
    public static final KeyEvent XGROUP_CREATECONSUMER = new KeyEvent("xgroup-createconsumer", STREAM, false);
    public static final KeyEvent XGROUP_DELCONSUMER = new KeyEvent("xgroup-delconsumer", STREAM, false);

    private final String name;
    private final byte[] nameBytes;
    private final int type;
    private final boolean signalsModified;

    private KeyEvent(String name, int type) {
        this(name, type, true);
    }

    private KeyEvent(String name, int type, boolean signalsModified) {
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        this.type = type;
        this.signalsModified = signalsModified;
    }

    /**
     * False for events Redis only notifies, without signalModifiedKey (the stream consumer-group events and
     * XSETID): WATCH and client tracking ignore them; wake-ups and notifications still hear them.
     */
    public boolean signalsModified() {
        return signalsModified;
    }

    /** Redis's event name ("set", "del", "expired", ...). */
    public String name() {
        return name;
    }

    public byte[] nameBytes() {
        return nameBytes;
    }

    /** The notification class flag ({@link #GENERIC}, {@link #STRING}, ...). */
    public int type() {
        return type;
    }

    @Override
    public String toString() {
        return name;
    }
}
