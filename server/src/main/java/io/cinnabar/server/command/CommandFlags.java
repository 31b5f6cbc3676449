package io.cinnabar.server.command;

/** Redis's command flags (CMD_* in server.h), as bits; their names are those COMMAND INFO lists. */
public final class CommandFlags {
    public static final long WRITE = 1L;
    public static final long READONLY = 1L << 1;
    public static final long DENYOOM = 1L << 2;
    public static final long MODULE = 1L << 3;
    public static final long ADMIN = 1L << 4;
    public static final long PUBSUB = 1L << 5;
    public static final long NOSCRIPT = 1L << 6;
    public static final long BLOCKING = 1L << 8;
    public static final long LOADING = 1L << 9;
    public static final long STALE = 1L << 10;
    public static final long SKIP_MONITOR = 1L << 11;
    public static final long SKIP_SLOWLOG = 1L << 12;
    public static final long ASKING = 1L << 13;
    public static final long FAST = 1L << 14;
    public static final long NO_AUTH = 1L << 15;
    public static final long MAY_REPLICATE = 1L << 16;
    public static final long SENTINEL = 1L << 17;
    public static final long ONLY_SENTINEL = 1L << 18;
    public static final long NO_MANDATORY_KEYS = 1L << 19;
    public static final long PROTECTED = 1L << 20;
    public static final long NO_ASYNC_LOADING = 1L << 23;
    public static final long NO_MULTI = 1L << 24;
    public static final long MOVABLE_KEYS = 1L << 25;
    public static final long ALLOW_BUSY = 1L << 26;

    private CommandFlags() {
    }

    /** The bit for a flag name as COMMAND INFO prints it, or 0 if unknown. */
    static long parse(String name) {
        return switch (name) {
            case "write" -> WRITE;
            case "readonly" -> READONLY;
            case "denyoom" -> DENYOOM;
            case "module" -> MODULE;
            case "admin" -> ADMIN;
            case "pubsub" -> PUBSUB;
            case "noscript" -> NOSCRIPT;
            case "blocking" -> BLOCKING;
            case "loading" -> LOADING;
            case "stale" -> STALE;
            case "skip_monitor" -> SKIP_MONITOR;
            case "skip_slowlog" -> SKIP_SLOWLOG;
            case "asking" -> ASKING;
            case "fast" -> FAST;
            case "no_auth" -> NO_AUTH;
            case "may_replicate" -> MAY_REPLICATE;
            case "no_mandatory_keys" -> NO_MANDATORY_KEYS;
            case "no_async_loading" -> NO_ASYNC_LOADING;
            case "no_multi" -> NO_MULTI;
            case "movablekeys" -> MOVABLE_KEYS;
            case "allow_busy" -> ALLOW_BUSY;
            default -> 0;
        };
    }
}
