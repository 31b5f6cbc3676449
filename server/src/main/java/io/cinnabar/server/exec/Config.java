package io.cinnabar.server.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration parameters Cinnabar honours, with Redis 7.0's names, aliases, defaults, ranges and error
 * texts. A parameter that is listed here does what Redis's does; anything else is refused as unknown, never
 * accepted and ignored. Values are read by the executor; CONFIG SET runs on it too.
 */
public final class Config {
    /** A CONFIG SET or startup value that does not fit; the message is Redis's reason text. */
    public static final class InvalidValue extends Exception {
        public InvalidValue(String message) {
            super(message, null, false, false);
        }
    }

    /** One parameter. */
    public abstract static class Param {
        final String name;
        final String[] aliases;
        final boolean mutable;

        Param(String name, boolean mutable, String... aliases) {
            this.name = name;
            this.mutable = mutable;
            this.aliases = aliases;
        }

        public String name() {
            return name;
        }

        public boolean mutable() {
            return mutable;
        }

        public abstract String get();

        /** Parses and stores {@code value}; throws with Redis's reason if it is invalid. */
        public abstract void set(String value) throws InvalidValue;

        /** Number of words the parameter takes in a config file (save takes pairs, so any). */
        int arity() {
            return 1;
        }
    }

    private final Map<String, Param> byName = new LinkedHashMap<>();
    private final List<Param> params = new ArrayList<>();

    // The values, read directly by the executor.
    int port = 6379;
    String bind = "127.0.0.1";
    int databases = 16;
    String requirepass = "";
    boolean protectedMode = true;
    int configuredHz = 10;
    int hz = 10;
    long maxclients = 10000;
    int timeout;
    int tcpKeepalive = 300;
    long protoMaxBulkLen = 512L * 1024 * 1024;
    long clientQueryBufferLimit = 1024L * 1024 * 1024;
    long slowlogLogSlowerThan = 10000;
    long slowlogMaxLen = 128;
    long latencyMonitorThreshold;
    String enableDebugCommand = "no";
    String loglevel = "notice";
    String logfile = "";
    int activeExpireEffort = 1;
    long busyReplyThreshold = 5000;
    boolean daemonize;
    /** The config file the server started from, for CONFIG REWRITE; null if none. */
    String configFile;

    public Config() {
        add(new IntParam("port", false, 0, 65535, () -> port, v -> port = (int) v));
        add(new StringParam("bind", false, () -> bind, v -> bind = v) {
            @Override
            int arity() {
                return -1;
            }
        });
        add(new IntParam("databases", false, 1, Integer.MAX_VALUE, () -> databases, v -> databases = (int) v));
        add(new StringParam("requirepass", true, () -> requirepass, v -> requirepass = v));
        add(new BoolParam("protected-mode", true, () -> protectedMode, v -> protectedMode = v));
        add(new IntParam("hz", true, 0, Integer.MAX_VALUE, () -> hz, v -> {
            configuredHz = (int) v;
            hz = Math.max(1, Math.min(500, (int) v)); // updateHZ clamps, and CONFIG GET shows the clamped value
        }));
        add(new IntParam("maxclients", true, 1, 4294967295L, () -> maxclients, v -> maxclients = v));
        add(new IntParam("timeout", true, 0, Integer.MAX_VALUE, () -> timeout, v -> timeout = (int) v));
        add(new IntParam("tcp-keepalive", true, 0, Integer.MAX_VALUE, () -> tcpKeepalive, v -> tcpKeepalive = (int) v));
        add(new MemoryParam("proto-max-bulk-len", true, 1024 * 1024, Long.MAX_VALUE, () -> protoMaxBulkLen,
                v -> protoMaxBulkLen = v));
        add(new MemoryParam("client-query-buffer-limit", true, 1024 * 1024, Long.MAX_VALUE,
                () -> clientQueryBufferLimit, v -> clientQueryBufferLimit = v));
        add(new IntParam("slowlog-log-slower-than", true, -1, Long.MAX_VALUE, () -> slowlogLogSlowerThan,
                v -> slowlogLogSlowerThan = v));
        add(new IntParam("slowlog-max-len", true, 0, Long.MAX_VALUE, () -> slowlogMaxLen, v -> slowlogMaxLen = v));
        add(new IntParam("latency-monitor-threshold", true, 0, Long.MAX_VALUE, () -> latencyMonitorThreshold,
                v -> latencyMonitorThreshold = v));
        add(new EnumParam("enable-debug-command", false, new String[] {"no", "yes", "local"},
                () -> enableDebugCommand, v -> enableDebugCommand = v, "enable-protected-configs"));
        add(new EnumParam("loglevel", true, new String[] {"debug", "verbose", "notice", "warning"},
                () -> loglevel, v -> loglevel = v));
        add(new StringParam("logfile", false, () -> logfile, v -> logfile = v));
        add(new IntParam("active-expire-effort", true, 1, 10, () -> activeExpireEffort,
                v -> activeExpireEffort = (int) v));
        add(new IntParam("busy-reply-threshold", true, 0, Long.MAX_VALUE, () -> busyReplyThreshold,
                v -> busyReplyThreshold = v, "lua-time-limit"));
        add(new BoolParam("daemonize", false, () -> daemonize, v -> {
            if (v) {
                throw new InvalidValue("Cinnabar runs in the foreground or embedded; daemonize is not supported");
            }
            daemonize = false;
        }));
        add(new Param("save", true) {
            @Override
            public String get() {
                return "";
            }

            @Override
            public void set(String value) throws InvalidValue {
                if (!value.isBlank()) {
                    throw new InvalidValue("Invalid save parameters: RDB snapshots are not supported yet, "
                            + "only save \"\" is accepted");
                }
            }

            @Override
            int arity() {
                return -1;
            }
        });
        add(new BoolParam("appendonly", true, () -> false, v -> {
            if (v) {
                throw new InvalidValue("AOF persistence is not supported yet");
            }
        }));
    }

    private void add(Param p) {
        params.add(p);
        byName.put(p.name, p);
        for (String alias : p.aliases) {
            byName.put(alias, p);
        }
    }

    /** The parameter by name or alias, case-insensitively; null if not supported. */
    public Param find(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    public List<Param> all() {
        return params;
    }

    /** Names with their aliases, as CONFIG GET matches patterns against both. */
    public Map<String, Param> namesAndAliases() {
        return byName;
    }

    public void set(String name, String value) throws InvalidValue {
        Param p = find(name);
        if (p == null) {
            throw new InvalidValue("Bad directive or wrong number of arguments");
        }
        p.set(value);
    }

    public int port() {
        return port;
    }

    public String bind() {
        return bind;
    }

    public int databases() {
        return databases;
    }

    public boolean requiresPassword() {
        return !requirepass.isEmpty();
    }

    public String requirepass() {
        return requirepass;
    }

    public boolean protectedMode() {
        return protectedMode;
    }

    public int hz() {
        return hz;
    }

    public int configuredHz() {
        return configuredHz;
    }

    public long maxclients() {
        return maxclients;
    }

    public int timeout() {
        return timeout;
    }

    public int tcpKeepalive() {
        return tcpKeepalive;
    }

    public long protoMaxBulkLen() {
        return protoMaxBulkLen;
    }

    public long clientQueryBufferLimit() {
        return clientQueryBufferLimit;
    }

    public long slowlogLogSlowerThan() {
        return slowlogLogSlowerThan;
    }

    public long slowlogMaxLen() {
        return slowlogMaxLen;
    }

    public long latencyMonitorThreshold() {
        return latencyMonitorThreshold;
    }

    public String enableDebugCommand() {
        return enableDebugCommand;
    }

    public String loglevel() {
        return loglevel;
    }

    public String logfile() {
        return logfile;
    }

    /** Milliseconds a script may run before other clients get BUSY (busy-reply-threshold, lua-time-limit). */
    public long busyReplyThreshold() {
        return busyReplyThreshold;
    }

    public int activeExpireEffort() {
        return activeExpireEffort;
    }

    public String configFile() {
        return configFile;
    }

    public void configFile(String path) {
        this.configFile = path;
    }

    // ---- parameter kinds ----

    interface LongGetter {
        long get();
    }

    interface LongSetter {
        void set(long v) throws InvalidValue;
    }

    interface BoolGetter {
        boolean get();
    }

    interface BoolSetter {
        void set(boolean v) throws InvalidValue;
    }

    interface StringGetter {
        String get();
    }

    interface StringSetter {
        void set(String v) throws InvalidValue;
    }

    static class IntParam extends Param {
        final long min;
        final long max;
        final LongGetter getter;
        final LongSetter setter;

        IntParam(String name, boolean mutable, long min, long max, LongGetter getter, LongSetter setter,
                 String... aliases) {
            super(name, mutable, aliases);
            this.min = min;
            this.max = max;
            this.getter = getter;
            this.setter = setter;
        }

        @Override
        public String get() {
            return Long.toString(getter.get());
        }

        @Override
        public void set(String value) throws InvalidValue {
            long v = parse(value);
            if (v < min || v > max) {
                throw new InvalidValue("argument must be between " + min + " and " + max + " inclusive");
            }
            setter.set(v);
        }

        long parse(String value) throws InvalidValue {
            long v = io.cinnabar.protocol.bytes.Numbers.parseLong(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (v == io.cinnabar.protocol.bytes.Numbers.NOT_A_NUMBER && !value.equals("-9223372036854775808")) {
                throw new InvalidValue("argument couldn't be parsed into an integer");
            }
            return v;
        }
    }

    static final class MemoryParam extends IntParam {
        MemoryParam(String name, boolean mutable, long min, long max, LongGetter getter, LongSetter setter) {
            super(name, mutable, min, max, getter, setter);
        }

        @Override
        long parse(String value) throws InvalidValue {
            long v = MemoryUnits.parse(value);
            if (v < 0) {
                throw new InvalidValue("argument must be a memory value");
            }
            return v;
        }
    }

    static final class BoolParam extends Param {
        final BoolGetter getter;
        final BoolSetter setter;

        BoolParam(String name, boolean mutable, BoolGetter getter, BoolSetter setter) {
            super(name, mutable);
            this.getter = getter;
            this.setter = setter;
        }

        @Override
        public String get() {
            return getter.get() ? "yes" : "no";
        }

        @Override
        public void set(String value) throws InvalidValue {
            if (value.equalsIgnoreCase("yes")) {
                setter.set(true);
            } else if (value.equalsIgnoreCase("no")) {
                setter.set(false);
            } else {
                throw new InvalidValue("argument must be 'yes' or 'no'");
            }
        }
    }

    static class StringParam extends Param {
        final StringGetter getter;
        final StringSetter setter;

        StringParam(String name, boolean mutable, StringGetter getter, StringSetter setter) {
            super(name, mutable);
            this.getter = getter;
            this.setter = setter;
        }

        @Override
        public String get() {
            return getter.get();
        }

        @Override
        public void set(String value) throws InvalidValue {
            setter.set(value);
        }
    }

    static final class EnumParam extends Param {
        final String[] values;
        final StringGetter getter;
        final StringSetter setter;

        EnumParam(String name, boolean mutable, String[] values, StringGetter getter, StringSetter setter,
                  String... aliases) {
            super(name, mutable, aliases);
            this.values = values;
            this.getter = getter;
            this.setter = setter;
        }

        @Override
        public String get() {
            return getter.get();
        }

        @Override
        public void set(String value) throws InvalidValue {
            for (String v : values) {
                if (v.equalsIgnoreCase(value)) {
                    setter.set(v);
                    return;
                }
            }
            throw new InvalidValue("argument(s) must be one of the following: " + String.join(", ", values));
        }
    }
}
